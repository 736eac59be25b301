import { useEffect } from 'react';

/** The tab's title: the page first, then the product. */
export function useTitle(page: string | undefined): void {
  useEffect(() => {
    document.title = page ? `${page} · Guardian` : 'Guardian';
  }, [page]);
}
