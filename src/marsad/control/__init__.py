"""Who holds what, and when: control intervals, area shares, sieges, sites, agreements and claims.

Modules (each reads stored facts through ``source.FactSource`` only; geometry through ``area.GeoContext``):

* ``records``: ``Unit``, ``FactRef``, ``Observation``, ``ControlInterval``, ``Conflict``, ``Clash``, ``ReconcileRule``;
* ``units``: which spatial unit a place mention names (site, town, relational region, governorate);
* ``timeline``: intervals per unit and per actor from control facts and territory-change events (ACLED rules);
* ``baseline``: import a user's snapshot (CSV/GeoJSON) that the timeline evolves;
* ``area`` / ``shares`` / ``blocs``: atoms (Voronoi cells clipped to governorates), shares with the method stated;
* ``claims``: quantitative territory claims compared with computed shares, and per-source consistency;
* ``sieges``, ``sites``, ``agreements``: siege lifecycles, resource sites over time, deals and their breaches;
* ``mapping``: GeoJSON and PNG maps; ``service``: one cached, per-store-revision entry point for the CLI.
"""
