import { describe, expect, it } from "vitest";
import { apiQuery, describeFilters, parseQuery, toSearch, withFilter } from "./filters";

const parse = (search: string) => parseQuery(new URLSearchParams(search));

describe("task browser filters", () => {
  it("reads a dashboard link into the same filters and sort", () => {
    const { query, problems } = parse("annotator=7&gold=true&sort=-agreement&agreement_max=0.50");
    expect(problems).toEqual([]);
    expect(query).toEqual({ filters: { annotator: "7", gold: "true", agreement_max: "0.5" }, sort: "-agreement" });
  });

  it("round-trips through the URL", () => {
    const search = "state=done&label=objects&class=car&submitted_from=2026-11-01T00%3A00%3A00Z&sort=score";
    const { query } = parse(search);
    expect(parse(toSearch(query)).query).toEqual(query);
  });

  it("reports bad values and unknown names instead of dropping them silently", () => {
    const { query, problems } = parse("state=finished&annotator=0&gold=yes&colour=red&sort=name&submitted_to=2026-11-01");
    expect(query.filters).toEqual({});
    expect(query.sort).toBe("id");
    expect(problems.map((p) => p.name)).toEqual(["state", "annotator", "gold", "colour", "sort", "submitted_to"]);
  });

  it("refuses a class without its label", () => {
    const { query, problems } = parse("class=car");
    expect(query.filters).toEqual({});
    expect(problems).toEqual([{ name: "class", message: "a class filter needs its label" }]);
  });

  it("builds the API query with the cursor and limit", () => {
    const { query } = parse("flagged=true&sort=-id");
    expect(apiQuery(query, "abc", 50)).toEqual({ limit: 50, flagged: "true", sort: "-id", cursor: "abc" });
    expect(apiQuery({ filters: {}, sort: "id" }, null, 25)).toEqual({ limit: 25 });
  });

  it("clearing a label clears its class", () => {
    const { query } = parse("label=objects&class=car&batch=b1");
    expect(withFilter(query, "label", "").filters).toEqual({ batch: "b1" });
    expect(withFilter(query, "batch", " b2 ").filters.batch).toBe("b2");
  });

  it("describes the filters in force with names for people", () => {
    expect(describeFilters({ annotator: "7", flagged: "true" }, { annotator: (id) => `user ${id}` })).toEqual([
      "annotator: user 7",
      "flagged: true",
    ]);
  });
});
