/**
 * The frame of every page: a skip link, the navigation, who is signed in, and the page's heading, which takes the
 * focus when the route changes (so keyboard and screen-reader users land on the new page, not on the old link).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { signOut, type User } from '../auth';
import type { Route } from '../router';

const NAV: Array<{ href: string; label: string; pages: Route['page'][] }> = [
  { href: '#/volumes', label: 'My volumes', pages: ['volumes', 'volume', 'browse', 'links', 'members', 'audit'] },
  { href: '#/volumes/new', label: 'Register a volume', pages: ['register'] },
  { href: '#/access-keys', label: 'Access keys', pages: ['access-keys'] },
];

export function Layout({ user, route, children }: { user: User; route: Route; children: ComponentChildren }) {
  return (
    <>
      {/* A button, not a "#main" link: the hash is the console's route. */}
      <button type="button" class="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href="#/volumes">
          volume-gateway
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.pages.includes(route.page) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="user">
          <span title={user.email ?? user.subject}>
            Signed in as <strong>{user.subject}</strong>
            {user.mfa ? <span class="badge">MFA</span> : null}
          </span>
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** A page's heading and title; the heading is focused when the page opens. */
export function PageTitle({ children, title }: { children?: ComponentChildren; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · volume-gateway`;
    heading.current?.focus();
  }, [title]);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}
