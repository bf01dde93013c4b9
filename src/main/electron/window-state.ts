import { screen, type BrowserWindow, type Rectangle } from 'electron';
import Store from 'electron-store';

interface WindowSettings {
  windowBounds?: Rectangle;
  windowMaximized?: boolean;
}

const DEFAULT_SIZE = { width: 1440, height: 900 };

/**
 * The window's size and place, kept in the data directory's config.json through electron-store — the same
 * file the engine's SettingsFile reads (it keeps keys it does not know).
 */
export class WindowState {
  private readonly store: Store<WindowSettings>;

  constructor(dataDir: string) {
    this.store = new Store<WindowSettings>({ cwd: dataDir, name: 'config', clearInvalidConfig: false });
  }

  /** The saved bounds when they are still on a connected display, else a default size. */
  bounds(): Partial<Rectangle> {
    const saved = this.store.get('windowBounds');
    if (!saved) return DEFAULT_SIZE;
    const visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      return saved.x < a.x + a.width && saved.x + saved.width > a.x && saved.y < a.y + a.height && saved.y + saved.height > a.y;
    });
    return visible ? saved : { width: saved.width, height: saved.height };
  }

  maximized(): boolean {
    return this.store.get('windowMaximized') ?? false;
  }

  track(window: BrowserWindow): void {
    const save = () => {
      if (window.isDestroyed()) return;
      this.store.set('windowMaximized', window.isMaximized());
      if (!window.isMaximized() && !window.isMinimized()) this.store.set('windowBounds', window.getBounds());
    };
    window.on('resized', save);
    window.on('moved', save);
    window.on('close', save);
  }
}
