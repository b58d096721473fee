import { h, replace, unavailable } from './dom.js';

/** The oversell cost calculator: needs the flash-sale engine in the app, which is not there yet. */
export async function calculatorView(container) {
  replace(container, h('h2', {}, 'Oversell cost'), unavailable('The oversell cost calculator'));
}
