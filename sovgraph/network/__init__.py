"""Networks: the graph projected through the views of ``queries/views/`` into networkx (``projection``), the
analyses over it (``analysis``), the focused and grouped pages (``focus``, ``aggregate``), the HTML rendering
(``render``, the only module importing pyvis) and GraphML/GEXF/CSV (``interchange``).

``sovgraph.network.project_view(kg, view, as_of=...)`` is the projection (networkx is imported when it runs).
"""

from sovgraph.network.projection import project_view, view_names, views

__all__ = ["project_view", "view_names", "views"]
