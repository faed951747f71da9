import { useState } from 'react';
import { applyTheme, loadTheme, THEMES, type Theme } from '../../lib/theme';

/** Device settings: the theme, remembered in this browser. */
export function SettingsPage() {
  const [theme, setTheme] = useState<Theme>(loadTheme);
  return (
    <section className="p-4 max-w-xl mx-auto w-full flex flex-col gap-4" aria-labelledby="settings-title" data-testid="settings-page">
      <h2 id="settings-title" className="text-2xl font-bold">Settings</h2>
      <label className="form-control">
        <span className="label-text">Theme (remembered on this device)</span>
        <select className="select select-bordered w-full" value={theme} data-testid="theme-select"
          onChange={(e) => {
            const t = e.target.value as Theme;
            setTheme(t);
            applyTheme(t);
          }}>
          {THEMES.map((t) => (
            <option key={t} value={t}>{t}</option>
          ))}
        </select>
      </label>
      <div className="grid grid-cols-2 sm:grid-cols-3 gap-2" role="radiogroup" aria-label="Theme previews">
        {THEMES.map((t) => (
          <button key={t} type="button" role="radio" aria-checked={theme === t} data-theme={t}
            className={`rounded-box border-2 p-2 text-left bg-base-100 text-base-content ${theme === t ? 'border-primary' : 'border-base-300'}`}
            onClick={() => { setTheme(t); applyTheme(t); }}>
            <span className="text-sm font-medium">{t}</span>
            <span className="flex gap-1 mt-1" aria-hidden="true">
              <span className="w-4 h-4 rounded bg-primary" />
              <span className="w-4 h-4 rounded bg-secondary" />
              <span className="w-4 h-4 rounded bg-accent" />
              <span className="w-4 h-4 rounded bg-neutral" />
            </span>
          </button>
        ))}
      </div>
    </section>
  );
}
