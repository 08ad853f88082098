/**
 * Uploading into the folder shown: a drop zone (drag and drop) with a "Choose files" input for the keyboard, and one row
 * per file with its progress bar, bytes (and parts) done, and, when it failed, why in words and a "Retry" button.
 * Files go one after another; the listing is refreshed after each finished file.
 */
import { useRef, useState } from 'preact/hooks';
import { describe } from '../components/error-message';
import { bytes } from '../format';
import { type Progress, uploadFile } from './uploader';

interface Item {
  id: number;
  file: File;
  key: string;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  progress: Progress;
  error?: string;
}

let ids = 0;

export function UploadPanel({ volumeId, prefix, onUploaded }: { volumeId: string; prefix: string; onUploaded: () => void }) {
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);
  const queue = useRef<Promise<void>>(Promise.resolve());

  const update = (id: number, change: Partial<Item>) =>
    setItems((all) => all.map((item) => (item.id === id ? { ...item, ...change } : item)));

  const run = (item: Item) => {
    queue.current = queue.current.then(async () => {
      update(item.id, { state: 'uploading', progress: { loaded: 0, total: item.file.size } });
      try {
        await uploadFile({
          volumeId,
          key: item.key,
          file: item.file,
          onProgress: (progress) => update(item.id, { progress }),
        });
        // Keeps the parts count of a multipart upload ("3 of 3 parts").
        setItems((all) =>
          all.map((one) => (one.id === item.id ? { ...one, state: 'done', progress: { ...one.progress, loaded: one.file.size } } : one)),
        );
        onUploaded();
      } catch (error) {
        update(item.id, { state: 'failed', error: describe(error) });
      }
    });
  };

  const add = (files: FileList | File[] | null | undefined) => {
    const added = [...(files ?? [])].map(
      (file): Item => ({ id: ++ids, file, key: `${prefix}${file.name}`, state: 'waiting', progress: { loaded: 0, total: file.size } }),
    );
    if (added.length === 0) return;
    setItems((all) => [...all, ...added]);
    for (const item of added) run(item);
  };

  const retry = (item: Item) => {
    update(item.id, { state: 'waiting', progress: { loaded: 0, total: item.file.size } });
    run(item);
  };

  const active = items.filter((item) => item.state === 'uploading' || item.state === 'waiting').length;
  return (
    <section aria-labelledby="upload-heading" class="upload">
      <h2 id="upload-heading">Upload</h2>
      <fieldset
        class={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          add(event.dataTransfer?.files);
        }}
      >
        <legend>
          Drop files here to upload them into <code>/{prefix}</code>, or:
        </legend>
        <label for="upload-files">Choose files</label>
        <input
          id="upload-files"
          type="file"
          multiple
          onChange={(event) => {
            add(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
      </fieldset>
      <p aria-live="polite" class="hint">
        {active > 0 ? `Uploading ${active} ${active === 1 ? 'file' : 'files'}…` : items.length > 0 ? 'Uploads finished.' : ''}
      </p>
      {items.length > 0 ? (
        <ul class="uploads" aria-label="Uploads">
          {items.map((item) => (
            <UploadRow key={item.id} item={item} onRetry={() => retry(item)} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function UploadRow({ item, onRetry }: { item: Item; onRetry: () => void }) {
  const { loaded, total, parts } = item.progress;
  const label = `${item.key}: ${item.state}`;
  return (
    <li class={`upload-item ${item.state}`} data-key={item.key} data-state={item.state}>
      <div class="upload-name">
        <code>{item.file.name}</code> <span class="badge">{item.state === 'done' ? 'uploaded' : item.state}</span>
      </div>
      <progress max={total || 1} value={item.state === 'done' ? total || 1 : loaded} aria-label={label} />
      <span class="hint">
        {bytes(loaded)} of {bytes(total)}
        {parts ? `, ${parts.done} of ${parts.total} parts` : ''}
      </span>
      {item.state === 'failed' ? (
        <div class="error" role="alert">
          {item.file.name} was not uploaded: {item.error}{' '}
          <button type="button" class="secondary" onClick={onRetry}>
            Retry
          </button>
        </div>
      ) : null}
    </li>
  );
}
