"""The safety metrics dashboard (issue 20, part 4): aggregates of what the other areas keep,
counted in the database, for the safety team and admins.

One small module a figure (``reports``, ``drills``, ``compliance``, ``checklists``, ``buses``,
``trips``, ``actions``, ``training``, ``threats``), each turning a ``Scope`` (the district, a
school or all, the district's days) into a ``Figure``: its chart, the tables that hold the
chart's numbers, each table its own CSV. The dashboard is the list ``queries.FIGURES``: a later
area adds its module there. ``calendar.py`` holds the district's weeks and months, ``sql.py``
the raw SQL each figure binds its values into (SQLite and PostgreSQL), ``charts.py`` the SVG
geometry, ``service.py`` the spike rule."""
