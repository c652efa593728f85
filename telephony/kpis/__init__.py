"""The 115 KPIs: declared once as data (``definitions``), computed from the records by SQL
aggregation (``calls`` here, ``tickets.kpis`` for the tickets), per period of local days
(``periods``), and put together for a user's rights (``selectors``)."""
