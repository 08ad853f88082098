/** The tabs of one volume's pages; the ones the caller's access does not allow are not shown. */
import { href, type Route } from '../router';
import type { Volume } from '../types';

export function VolumeTabs({ volume, current }: { volume: Volume; current: Route['page'] }) {
  const admin = volume.access.membership === 'admin';
  const tabs: Array<{ page: 'volume' | 'browse' | 'links' | 'members' | 'audit'; label: string; show: boolean }> = [
    { page: 'volume', label: 'Overview', show: true },
    { page: 'browse', label: 'Files', show: true },
    { page: 'links', label: 'Share links', show: true },
    { page: 'members', label: 'Members', show: admin },
    { page: 'audit', label: 'Audit trail', show: admin },
  ];
  return (
    <nav class="tabs" aria-label={`Volume ${volume.name}`}>
      <ul>
        {tabs
          .filter((tab) => tab.show)
          .map((tab) => (
            <li key={tab.page}>
              <a
                href={tab.page === 'browse' ? href({ page: 'browse', id: volume.id, prefix: '' }) : href({ page: tab.page, id: volume.id })}
                aria-current={tab.page === current ? 'page' : undefined}
              >
                {tab.label}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}
