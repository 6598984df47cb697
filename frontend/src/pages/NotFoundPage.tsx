import { Link, useLocation } from "react-router";
import { useDocumentTitle } from "../components/useDocumentTitle";

export function NotFoundPage() {
  useDocumentTitle("Page not found");
  const location = useLocation();
  return (
    <main className="page page--centered">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>.
      </p>
      <p>
        <Link to="/">Go to projects</Link>
      </p>
    </main>
  );
}
