/**
 * The console: reads its settings, finishes or starts the sign-in, then shows the page the hash names. A volume's
 * pages load the volume first (a stranger's "not found" comes from the API, like any other error).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, segment } from './api';
import { completeSignIn, currentUser, isCallback, signIn, type User } from './auth';
import { ErrorMessage } from './components/error-message';
import { Layout, PageTitle } from './components/layout';
import { useLoad } from './components/use-load';
import { VolumeTabs } from './components/volume-tabs';
import { loadConfig } from './config';
import { AccessKeysPage } from './pages/access-keys';
import { AuditPage } from './pages/audit';
import { BrowsePage } from './pages/browse';
import { LinksPage } from './pages/links';
import { MembersPage } from './pages/members';
import { RegisterPage } from './pages/register';
import { VolumePage } from './pages/volume';
import { VolumesPage } from './pages/volumes';
import { type Route, useRoute } from './router';
import type { Volume } from './types';

type Start = { state: 'starting' } | { state: 'ready'; user: User } | { state: 'failed'; error: unknown };

export function App() {
  const [start, setStart] = useState<Start>({ state: 'starting' });
  useEffect(() => {
    (async () => {
      await loadConfig();
      if (isCallback()) location.hash = await completeSignIn();
      const user = currentUser();
      if (!user) return void (await signIn());
      setStart({ state: 'ready', user });
    })().catch((error: unknown) => setStart({ state: 'failed', error }));
  }, []);
  if (start.state === 'starting') return <p class="starting">Signing in…</p>;
  if (start.state === 'failed') {
    return (
      <main id="main" class="signed-out">
        <h1>volume-gateway</h1>
        <ErrorMessage error={start.error} title="Sign-in did not finish" />
        <button type="button" onClick={() => void signIn('#/volumes')}>
          Sign in
        </button>
      </main>
    );
  }
  return <SignedIn user={start.user} />;
}

function SignedIn({ user }: { user: User }) {
  const route = useRoute();
  return (
    <Layout user={user} route={route}>
      <Page route={route} user={user} />
    </Layout>
  );
}

function Page({ route, user }: { route: Route; user: User }) {
  switch (route.page) {
    case 'volumes':
      return <VolumesPage user={user} />;
    case 'register':
      return <RegisterPage route={route} />;
    case 'access-keys':
      return <AccessKeysPage />;
    case 'not-found':
      return (
        <>
          <PageTitle title="Page not found" />
          <p>
            There is no page at <code>{route.hash}</code>. <a href="#/volumes">Go to your volumes</a>.
          </p>
        </>
      );
    default:
      return (
        <WithVolume id={route.id} current={route.page}>
          {(volume, reload) => volumePage(route, volume, reload, user)}
        </WithVolume>
      );
  }
}

function volumePage(route: Extract<Route, { id: string }>, volume: Volume, reload: () => void, user: User) {
  switch (route.page) {
    case 'volume':
      return <VolumePage volume={volume} reload={reload} user={user} />;
    case 'browse':
      return <BrowsePage volume={volume} prefix={route.prefix} />;
    case 'links':
      return <LinksPage volume={volume} user={user} initialKey={route.key} />;
    case 'members':
      return <MembersPage volume={volume} user={user} />;
    case 'audit':
      return <AuditPage volume={volume} />;
  }
}

function WithVolume({
  id,
  current,
  children,
}: {
  id: string;
  current: Route['page'];
  children: (volume: Volume, reload: () => void) => ComponentChildren;
}) {
  const { data: loaded, error, reload } = useLoad(() => api.get<Volume>(`/volumes/${segment(id)}`), [id]);
  // useLoad keeps the last answer while the next loads or fails: after a hash change that is another volume, never this one.
  const data = loaded?.id === id ? loaded : undefined;
  if (error && !data) {
    return (
      <>
        <PageTitle title="Volume not available" />
        <ErrorMessage error={error} />
        <p>
          <a href="#/volumes">Back to your volumes</a>
        </p>
      </>
    );
  }
  if (!data) return <p aria-busy="true">Loading the volume…</p>;
  return (
    <>
      <p class="breadcrumbs">
        <a href="#/volumes">My volumes</a> / <span>{data.name}</span>
      </p>
      <VolumeTabs volume={data} current={current} />
      {children(data, reload)}
    </>
  );
}
