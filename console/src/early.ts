// A small entry the page runs as soon as it arrives (index.html loads it `async`), ahead of the console's large
// bundle: it starts the first page's API calls (lib/firstLoad.ts), which the page then takes rather than repeating.
import './lib/firstLoad';
