import { FreshnessBanner } from './FreshnessBanner';
import { Nav } from './Nav';
import { PAGES } from './pages';
import { useRoute } from './hash-route';

export function App() {
  const route = useRoute();
  const page = PAGES.find((p) => p.id === route) ?? PAGES[0];
  return (
    <div className="shell">
      <Nav pages={PAGES} activeId={page.id} />
      <main className="main" data-page={page.id}>
        <page.Component />
        {/* A slot of no height pinned to the bottom of the view: the banner comes and goes without moving the page. */}
        <div className="freshness-slot">
          <FreshnessBanner />
        </div>
      </main>
    </div>
  );
}
