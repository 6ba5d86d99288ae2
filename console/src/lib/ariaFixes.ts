// Cloudscape's app layout gives its phone-width toolbar `<nav aria-orientation="horizontal">`; the navigation role
// does not support aria-orientation (ARIA 1.2, axe-core's aria-allowed-attr, serious). Until Cloudscape drops it,
// the attribute is removed wherever it appears on a nav element.
export function dropUnsupportedNavOrientation(root: HTMLElement): MutationObserver {
  const strip = () => {
    for (const nav of root.querySelectorAll('nav[aria-orientation]')) nav.removeAttribute('aria-orientation');
  };
  const observer = new MutationObserver(strip);
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-orientation'] });
  strip();
  return observer;
}
