/// <reference types="vite/client" />
import type { DeskApi } from '../shared/desk-api';

declare global {
  interface Window {
    /** The preload bridge in Electron; absent in a browser talking to the web host. */
    drdesk?: DeskApi;
  }
}
