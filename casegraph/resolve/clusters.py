"""Union-find over mention ids: the clusters implied by resolver links."""

from __future__ import annotations

from collections.abc import Iterable

from casegraph.model import Link


class Clusters:
    """Disjoint sets of ids; ``find`` returns a stable representative (the smallest id)."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._parent: dict[str, str] = {}
        for item in ids:
            self.add(item)

    def add(self, item: str) -> None:
        """Add an id as its own cluster if it is new."""
        self._parent.setdefault(item, item)

    def find(self, item: str) -> str:
        """Return the representative of the cluster holding ``item``."""
        self.add(item)
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:  # path compression
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, a: str, b: str) -> str:
        """Join the clusters of ``a`` and ``b``; the smaller id represents both."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        self._parent[drop] = keep
        return keep

    def groups(self) -> dict[str, list[str]]:
        """Return every cluster as representative -> sorted member ids."""
        out: dict[str, list[str]] = {}
        for item in sorted(self._parent):
            out.setdefault(self.find(item), []).append(item)
        return out


def cluster_links(mention_ids: Iterable[str], links: Iterable[Link]) -> Clusters:
    """Return the clusters formed by joining every linked pair of mentions."""
    clusters = Clusters(mention_ids)
    for link in links:
        clusters.union(link.source, link.target)
    return clusters
