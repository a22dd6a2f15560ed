"""casegraph: investigative documents in, an evidence-linked knowledge graph out.

import casegraph
case = casegraph.open("case.db")
case.ingest("documents/", ref_date="2016-09-20")
for entity in case.entities():
    print(entity.type, entity.name, entity.aliases)
case.export("case.json", format="json")
"""

from __future__ import annotations

from typing import Any

from casegraph.errors import CasegraphError

__version__ = "0.1.0"
__all__ = ["Case", "CasegraphError", "__version__", "open"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import casegraph.ingest` does not load spaCy and the store.
    if name in ("open", "Case"):
        from casegraph import case

        return case.open_case if name == "open" else case.Case
    raise AttributeError(f"module 'casegraph' has no attribute {name!r}")
