import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { DeskProvider } from './app/desk-context';
import { chooseDesk } from './desk-client/choose-desk';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <DeskProvider desk={chooseDesk(window)}>
      <App />
    </DeskProvider>
  </StrictMode>,
);
