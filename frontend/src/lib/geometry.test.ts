import { describe, expect, it } from "vitest";
import {
  type Box,
  type Handle,
  boxCentre,
  boxCorners,
  bounds,
  clampToImage,
  distanceToPolyline,
  distanceToSegment,
  insertVertexOnNearestEdge,
  pointInBox,
  pointInPolygon,
  polygonArea,
  rectFromDrag,
  resizeBox,
  rotateBoxToward,
  rotatePoint,
  selfIntersects,
  translatePoints,
} from "./geometry";
import type { Keypoint, Point } from "./regions";

function expectPointsClose(actual: readonly Point[], expected: readonly Point[], digits = 9) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((p, i) => {
    const q = expected[i] as Point;
    expect(p[0]).toBeCloseTo(q[0], digits);
    expect(p[1]).toBeCloseTo(q[1], digits);
  });
}

function expectBoxClose(actual: Box, expected: Box, digits = 9) {
  for (const key of ["x", "y", "width", "height"] as const) {
    expect(actual[key], key).toBeCloseTo(expected[key], digits);
  }
  expect(actual.rotation ?? 0).toBeCloseTo(expected.rotation ?? 0, digits);
}

describe("boxCorners", () => {
  // Printed by the server: accord.core.geometry.rotated_box_corners(x, y, w, h, rotation).
  it.each<[Box, Point[]]>([
    [
      { x: 10, y: 20, width: 30, height: 40, rotation: 30 },
      [
        [22.00961894323342, 15.179491924311225],
        [47.99038105676658, 30.179491924311225],
        [27.99038105676658, 64.82050807568878],
        [2.0096189432334217, 49.82050807568878],
      ],
    ],
    [
      { x: 0, y: 0, width: 4, height: 2, rotation: 90 },
      [
        [3.0, -1.0],
        [3.0, 3.0],
        [1.0, 3.0],
        [0.9999999999999998, -0.9999999999999999],
      ],
    ],
    [
      { x: 5, y: 5, width: 10, height: 6, rotation: -45 },
      [
        [4.34314575050762, 9.414213562373096],
        [11.414213562373096, 2.3431457505076194],
        [15.65685424949238, 6.585786437626905],
        [8.585786437626904, 13.65685424949238],
      ],
    ],
    [
      { x: 100, y: 50, width: 20, height: 10, rotation: 200 },
      [
        [117.68682549123073, 63.11866453718623],
        [98.89297307551257, 56.278261670672855],
        [102.31317450876927, 46.88133546281377],
        [121.10702692448743, 53.721738329327145],
      ],
    ],
  ])("matches the server for %o", (box, expected) => {
    expectPointsClose(boxCorners(box), expected, 12);
  });

  it("is exact for whole turns, like the server", () => {
    const expected: Point[] = [
      [1, 2],
      [4, 2],
      [4, 6],
      [1, 6],
    ];
    expect(boxCorners({ x: 1, y: 2, width: 3, height: 4, rotation: 360 })).toEqual(expected);
    expect(boxCorners({ x: 1, y: 2, width: 3, height: 4, rotation: -720 })).toEqual(expected);
    expect(boxCorners({ x: 1, y: 2, width: 3, height: 4 })).toEqual(expected);
  });

  it("turns about the centre, keeping the sides' lengths", () => {
    const box = { x: 3, y: 7, width: 12, height: 5, rotation: 37 };
    const corners = boxCorners(box);
    const centre = corners.reduce<Point>((s, p) => [s[0] + p[0] / 4, s[1] + p[1] / 4], [0, 0]);
    expectPointsClose([centre], [boxCentre(box)]);
    const [tl, tr, br] = corners;
    expect(Math.hypot(tr[0] - tl[0], tr[1] - tl[1])).toBeCloseTo(12, 9);
    expect(Math.hypot(br[0] - tr[0], br[1] - tr[1])).toBeCloseTo(5, 9);
  });
});

describe("rotatePoint", () => {
  it("turns clockwise on screen, y pointing down", () => {
    // A point to the right of the centre, turned 90° clockwise on screen, ends up below it.
    expectPointsClose([rotatePoint([2, 0], [0, 0], 90)], [[0, 2]]);
    expectPointsClose([rotatePoint([5, 1], [1, 1], -90)], [[1, -3]]);
  });

  it("undoes itself and leaves whole turns exact", () => {
    const p: Point = [3.3, -7.1];
    expectPointsClose([rotatePoint(rotatePoint(p, [1, 2], 33), [1, 2], -33)], [p]);
    expect(rotatePoint(p, [1, 2], 720)).toEqual(p);
  });
});

describe("rectFromDrag", () => {
  it("normalises every drag direction to the same rectangle", () => {
    const expected = { x: 2, y: 3, width: 8, height: 4 };
    expect(rectFromDrag([2, 3], [10, 7])).toEqual(expected);
    expect(rectFromDrag([10, 7], [2, 3])).toEqual(expected);
    expect(rectFromDrag([10, 3], [2, 7])).toEqual(expected);
    expect(rectFromDrag([2, 7], [10, 3])).toEqual(expected);
  });
});

describe("pointInBox", () => {
  it("includes the edges of an unrotated box", () => {
    const box = { x: 0, y: 0, width: 10, height: 4 };
    expect(pointInBox([0, 0], box)).toBe(true);
    expect(pointInBox([10, 4], box)).toBe(true);
    expect(pointInBox([5, 2], box)).toBe(true);
    expect(pointInBox([10.01, 2], box)).toBe(false);
  });

  it("honours rotation", () => {
    // 10 x 2 box centred at (5, 1), turned 90°: it now stands upright from y = -4 to 6.
    const box = { x: 0, y: 0, width: 10, height: 2, rotation: 90 };
    expect(pointInBox([5, -3.5], box)).toBe(true);
    expect(pointInBox([5, 5.5], box)).toBe(true);
    expect(pointInBox([9, 1], box)).toBe(false); // inside the unrotated box only
  });
});

describe("pointInPolygon", () => {
  const square: Point[] = [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ];

  it("tells inside from outside, whatever the winding", () => {
    expect(pointInPolygon([5, 5], square)).toBe(true);
    expect(pointInPolygon([5, 5], [...square].reverse())).toBe(true);
    expect(pointInPolygon([15, 5], square)).toBe(false);
    expect(pointInPolygon([-1, -1], square)).toBe(false);
    expect(pointInPolygon([1, 1], [])).toBe(false);
  });

  it("handles a concave ring", () => {
    const u: Point[] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [7, 10],
      [7, 3],
      [3, 3],
      [3, 10],
      [0, 10],
    ];
    expect(pointInPolygon([5, 6], u)).toBe(false);
    expect(pointInPolygon([1, 8], u)).toBe(true);
    expect(pointInPolygon([5, 1], u)).toBe(true);
  });

  it("uses the even-odd rule where a ring overlaps itself", () => {
    // A pentagram: the central pentagon is wound twice, so even-odd leaves it empty.
    const star: Point[] = [0, 2, 4, 1, 3].map((k): Point => {
      const a = (k * 2 * Math.PI) / 5 - Math.PI / 2;
      return [10 * Math.cos(a), 10 * Math.sin(a)];
    });
    expect(pointInPolygon([0, 0], star)).toBe(false);
    expect(pointInPolygon([0, -7], star)).toBe(true); // in the top tip
  });
});

describe("distances", () => {
  it("measures to the nearest point of a segment, ends included", () => {
    expect(distanceToSegment([5, 3], [0, 0], [10, 0])).toBe(3);
    expect(distanceToSegment([13, 4], [0, 0], [10, 0])).toBe(5);
    expect(distanceToSegment([-3, -4], [0, 0], [10, 0])).toBe(5);
    expect(distanceToSegment([3, 4], [0, 0], [0, 0])).toBe(5);
  });

  it("includes the closing edge only for closed outlines", () => {
    const l: Point[] = [
      [0, 0],
      [10, 0],
      [10, 10],
    ];
    expect(distanceToPolyline([4, 6], l, false)).toBe(6);
    expect(distanceToPolyline([4, 6], l, true)).toBeCloseTo(Math.SQRT2, 12);
  });

  it("handles outlines of one point or none", () => {
    expect(distanceToPolyline([3, 4], [[0, 0]], true)).toBe(5);
    expect(distanceToPolyline([3, 4], [], false)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("polygonArea", () => {
  it("is the absolute shoelace area", () => {
    const triangle: Point[] = [
      [0, 0],
      [4, 0],
      [4, 3],
    ];
    expect(polygonArea(triangle)).toBe(6);
    expect(polygonArea([...triangle].reverse())).toBe(6);
    expect(polygonArea([[0, 0], [2, 0]])).toBe(0);
  });

  it("keeps small shapes far from the origin exact", () => {
    const far = 1e9;
    const square: Point[] = [
      [far, far],
      [far + 0.5, far],
      [far + 0.5, far + 0.5],
      [far, far + 0.5],
    ];
    expect(polygonArea(square)).toBe(0.25);
  });
});

describe("bounds", () => {
  it("spans all points", () => {
    expect(bounds([[3, 4], [1, 9], [2, 0]])).toEqual({ x: 1, y: 0, width: 2, height: 9 });
    expect(bounds([[3, 4]])).toEqual({ x: 3, y: 4, width: 0, height: 0 });
  });

  it("refuses no points", () => {
    expect(() => bounds([])).toThrow(RangeError);
  });
});

describe("selfIntersects", () => {
  // Each expectation is what the server's is_self_intersecting returned for the same ring.
  it.each<[string, Point[], boolean]>([
    ["a square", [[0, 0], [4, 0], [4, 4], [0, 4]], false],
    ["a triangle", [[0, 0], [4, 0], [0, 3]], false],
    ["a concave notch", [[0, 0], [4, 0], [4, 4], [2, 1], [0, 4]], false],
    ["a bow tie", [[0, 0], [4, 4], [4, 0], [0, 4]], true],
    ["a vertex on a non-adjacent edge", [[0, 0], [4, 0], [4, 4], [2, 0]], true],
    ["a vertex visited twice", [[0, 0], [4, 0], [2, 2], [4, 4], [0, 4], [2, 2]], true],
    [
      "two squares pinched at a corner",
      [[0, 0], [2, 0], [2, 2], [4, 2], [4, 4], [2, 4], [2, 2], [0, 2]],
      true,
    ],
    [
      "collinear overlapping edges",
      [[0, 0], [4, 0], [4, 2], [2, 2], [2, 0], [1, 0], [1, -1], [0, -1]],
      true,
    ],
    ["an edge lying along another", [[0, 0], [3, 0], [3, 1], [1, 1], [1, 0], [0, 0]], true],
    ["an edge folding straight back", [[0, 0], [4, 0], [2, 0], [2, 3]], true],
    [
      "a spike touching an edge",
      [[0, 0], [6, 0], [6, 6], [0, 6], [0, 3], [3, 3], [0, 3.0000001]],
      true,
    ],
    ["a repeated consecutive point", [[0, 0], [4, 0], [4, 0], [4, 4], [0, 4]], false],
    ["the first point repeated at the end", [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], false],
    ["the start revisited mid-ring", [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0], [2, 2]], true],
    ["two distinct points", [[0, 0], [1, 1], [1, 1], [0, 0]], true],
    ["all points collinear", [[0, 0], [1, 0], [2, 0]], true],
    // The spike's tip misses edge a-b by less than rounding: a float determinant says 0 (so
    // "touching"), the exact one says apart, as the server does.
    [
      "a near miss only exact arithmetic sees",
      [[55.7, 92.3], [69.1, 56.3], [90, 70], [65.08, 67.1], [80, 90]],
      false,
    ],
  ])("%s", (_name, ring, expected) => {
    expect(selfIntersects(ring)).toBe(expected);
    expect(selfIntersects([...ring].reverse())).toBe(expected);
    // Where the ring starts does not matter.
    expect(selfIntersects([...ring.slice(1), ...ring.slice(0, 1)])).toBe(expected);
  });

  it("finds a crossing between edges far apart in a long outline", () => {
    const zigzag: Point[] = [];
    for (let i = 0; i <= 200; i++) zigzag.push([i, i % 2]);
    const closedUnder: Point[] = [...zigzag, [200, -5], [0, -5]];
    expect(selfIntersects(closedUnder)).toBe(false);
    expect(selfIntersects([...zigzag, [200, -5], [100, 5], [0, -5]])).toBe(true);
  });
});

describe("resizeBox", () => {
  const box: Box = { x: 10, y: 20, width: 30, height: 40 };

  it("moves only the dragged edge of an unrotated box", () => {
    expect(resizeBox(box, "e", [50, 999])).toEqual({ x: 10, y: 20, width: 40, height: 40 });
    expect(resizeBox(box, "n", [999, 10])).toEqual({ x: 10, y: 10, width: 30, height: 50 });
    expect(resizeBox(box, "sw", [0, 70])).toEqual({ x: 0, y: 20, width: 40, height: 50 });
  });

  it("flips when dragged past the opposite side, never going negative", () => {
    expect(resizeBox(box, "e", [0, 0])).toEqual({ x: 0, y: 20, width: 10, height: 40 });
    expect(resizeBox(box, "nw", [50, 70])).toEqual({ x: 40, y: 60, width: 10, height: 10 });
  });

  it("floors the sides at minSize, on the side the pointer is", () => {
    expect(resizeBox(box, "e", [10, 0])).toEqual({ x: 10, y: 20, width: 1, height: 40 });
    expect(resizeBox(box, "e", [9.5, 0], 4)).toEqual({ x: 6, y: 20, width: 4, height: 40 });
    expect(resizeBox(box, "s", [0, 22], 4)).toMatchObject({ y: 20, height: 4 });
  });

  it.each<Handle>(["n", "s", "e", "w", "ne", "nw", "se", "sw"])(
    "keeps the corner opposite %s fixed on screen for a rotated box",
    (handle) => {
      const rotated: Box = { x: 10, y: 20, width: 30, height: 40, rotation: 33 };
      const opposite = { n: 2, s: 0, e: 0, w: 1, ne: 3, nw: 2, se: 0, sw: 1 }[handle];
      const before = boxCorners(rotated)[opposite] as Point;
      const after = resizeBox(rotated, handle, [70, -5]);
      expect(after.rotation).toBe(33);
      expect(after.width).toBeGreaterThan(0);
      expect(after.height).toBeGreaterThan(0);
      // A flip can change which named corner sits there, so look for it among all four.
      const distances = boxCorners(after).map((c) =>
        Math.hypot(c[0] - before[0], c[1] - before[1]),
      );
      expect(Math.min(...distances)).toBeLessThan(1e-9);
    },
  );

  it("follows the pointer along the box's own axes", () => {
    // Turned 90°: the box's "east" points down the screen.
    const rotated: Box = { x: 0, y: 0, width: 10, height: 2, rotation: 90 };
    const after = resizeBox(rotated, "e", [5, 10]);
    expectBoxClose(after, { x: -2, y: 2, width: 14, height: 2, rotation: 90 });
    expectPointsClose([boxCorners(after)[1]], [[6, 10]]); // the top-right corner, rotated
  });

  it("keeps a missing rotation missing", () => {
    expect("rotation" in resizeBox(box, "se", [50, 70])).toBe(false);
  });
});

describe("rotateBoxToward", () => {
  const box: Box = { x: 0, y: 0, width: 10, height: 10 };

  it("points the handle (above the top edge) at the pointer", () => {
    expect(rotateBoxToward(box, [5, -20]).rotation).toBeCloseTo(0, 12);
    expect(rotateBoxToward(box, [30, 5]).rotation).toBeCloseTo(90, 12);
    expect(rotateBoxToward(box, [5, 30]).rotation).toBeCloseTo(180, 12);
    expect(rotateBoxToward(box, [-30, 5]).rotation).toBeCloseTo(270, 12);
    expect(rotateBoxToward(box, [15, -5]).rotation).toBeCloseTo(45, 12);
  });

  it("puts the rotated handle on the ray to the pointer", () => {
    const to: Point = [23, 17];
    const turned = rotateBoxToward(box, to);
    const [tl, tr] = boxCorners(turned);
    const middle: Point = [(tl[0] + tr[0]) / 2, (tl[1] + tr[1]) / 2];
    const c = boxCentre(turned);
    const cross = (middle[0] - c[0]) * (to[1] - c[1]) - (middle[1] - c[1]) * (to[0] - c[0]);
    const dot = (middle[0] - c[0]) * (to[0] - c[0]) + (middle[1] - c[1]) * (to[1] - c[1]);
    expect(cross).toBeCloseTo(0, 9);
    expect(dot).toBeGreaterThan(0);
  });

  it("keeps the box in place and snaps on request", () => {
    const turned = rotateBoxToward(box, [16, -4], 15);
    expect(turned).toMatchObject({ x: 0, y: 0, width: 10, height: 10, rotation: 45 });
    expect(rotateBoxToward(box, [4.9, -100], 15).rotation).toBe(0);
    expect(rotateBoxToward(box, [5, 5])).toEqual(box);
  });
});

describe("translatePoints", () => {
  it("moves x and y and keeps keypoint visibility", () => {
    const keypoints: Keypoint[] = [
      [1, 2, 2],
      [0, 0, 0],
    ];
    const moved: Keypoint[] = translatePoints(keypoints, 10, -1);
    expect(moved).toEqual([
      [11, 1, 2],
      [10, -1, 0],
    ]);
    expect(keypoints[0]).toEqual([1, 2, 2]); // input untouched
  });

  it("moves plain points", () => {
    const points: Point[] = translatePoints<Point>([[0, 0]], 0.5, 0.25);
    expect(points).toEqual([[0.5, 0.25]]);
  });
});

describe("insertVertexOnNearestEdge", () => {
  const square: Point[] = [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ];

  it("puts the new vertex on the nearest edge, keeping the outline", () => {
    const { points, index } = insertVertexOnNearestEdge(square, [4, 1], true);
    expect(index).toBe(1);
    expect(points).toEqual([[0, 0], [4, 0], [10, 0], [10, 10], [0, 10]]);
    expect(polygonArea(points)).toBe(100);
    expect(square).toHaveLength(4); // input untouched
  });

  it("uses the closing edge of a closed ring only", () => {
    expect(insertVertexOnNearestEdge(square, [-1, 5], true)).toEqual({
      points: [[0, 0], [10, 0], [10, 10], [0, 10], [0, 5]],
      index: 4,
    });
    // Open, the nearest point is the start: the line grows there instead.
    expect(insertVertexOnNearestEdge(square, [-1, 5], false)).toEqual({
      points: [[-1, 5], [0, 0], [10, 0], [10, 10], [0, 10]],
      index: 0,
    });
  });

  it("inserts the pointer itself beyond an edge's end, never a duplicate vertex", () => {
    const line: Point[] = [
      [0, 0],
      [10, 0],
      [10, 10],
    ];
    expect(insertVertexOnNearestEdge(line, [12, 11], false)).toEqual({
      points: [[0, 0], [10, 0], [10, 10], [12, 11]],
      index: 3,
    });
    expect(insertVertexOnNearestEdge(line, [-2, -1], false).index).toBe(0);
    // Closed, the same pointer goes between the two edges meeting at that corner.
    const ring = insertVertexOnNearestEdge(line, [11, -1], true);
    expect(ring.points.filter(([x, y]) => x === 10 && y === 0)).toHaveLength(1);
    expect(ring.points).toContainEqual([11, -1]);
  });

  it("appends to outlines of fewer than two points", () => {
    expect(insertVertexOnNearestEdge([], [1, 2], false)).toEqual({ points: [[1, 2]], index: 0 });
    expect(insertVertexOnNearestEdge([[0, 0]], [1, 2], true)).toEqual({
      points: [[0, 0], [1, 2]],
      index: 1,
    });
  });
});

describe("clampToImage", () => {
  it("keeps points inside the image, edges included", () => {
    expect(clampToImage([-3, 500], 640, 480)).toEqual([0, 480]);
    expect(clampToImage([640, 0], 640, 480)).toEqual([640, 0]);
    expect(clampToImage([12.5, 7], 640, 480)).toEqual([12.5, 7]);
  });
});
