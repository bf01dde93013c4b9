export { startWebHost, type WebHost, type WebHostOptions } from './host';
export { BUILD_MISSING_MESSAGE, findRendererDir } from './static-files';
