"""The report's figures for one `report_data.ReportData`: gathers the frames and calls `charts`.

Kept apart from `charts` so the chart functions stay pure (frames in, figure out) and usable in any
notebook, while the template needs one call per figure.
"""

from __future__ import annotations

from samfunn_data.facts.indicators import PROJECTION_VINTAGE_YEAR
from samfunn_data.reports import charts
from samfunn_data.reports import data as report_data


def population(data) -> charts.Chart:
    return charts.population_index(report_data.population_index(data), data.name, data.county_name, data.year,
                                   data.value("folkemengde", data.year))


def pyramid(data) -> charts.Chart:
    median = data.row("medianalder", data.year)
    verdict = median["vs_country"] if median is not None else None
    own = float(median["value"]) if median is not None else None
    land = float(median["country_value"]) if median is not None else None
    return charts.population_pyramid(report_data.age_pyramid(data), data.name, data.year, verdict, own, land)


def components(data) -> charts.Chart:
    nat, mig = data.series("fodselsoverskudd"), data.series("nettoinnflytting")
    p_nat, p_mig = data.row("fodselsoverskudd_3ar"), data.row("nettoinnflytting_3ar")
    pooled = None
    if p_nat is not None and p_mig is not None and int(p_nat["year"]) == int(p_mig["year"]):
        y = int(p_nat["year"])
        pooled = (float(p_nat["value"]), float(p_mig["value"]), y - 2, y)
    return charts.components(nat, mig, data.name, pooled)


def projection(data) -> charts.Chart:
    if data.year < PROJECTION_VINTAGE_YEAR:  # never draw a projection published after the report year
        from samfunn_data.reports.findings import newest_projection

        return charts.empty_chart("Framskrivinger", f"{newest_projection(data.year)}; den er ikke i dataene.")
    note = None
    if PROJECTION_VINTAGE_YEAR > data.year:
        note = (f"Framskrivingene er fra {PROJECTION_VINTAGE_YEAR}, altså publisert etter rapportåret "
                f"{data.year}; de fantes ikke da.")
    return charts.projection(report_data.projection_paths(data), data.name, data.county_name, data.year,
                             f"SSBs framskrivinger fra {PROJECTION_VINTAGE_YEAR}", note)


def locator(data) -> charts.Chart:
    from samfunn_data.config import get_settings
    from samfunn_data.facts import municipalities

    muni_geo, county_geo, credit = _boundaries(str(get_settings().snapshot_dir / "geo"))
    names = {m.code: m.name for m in municipalities.all_municipalities()}
    names[data.county] = data.county_name
    return charts.locator_map(muni_geo, county_geo, data.kommunenr, data.county, names, credit)


def _boundaries(geo_dir: str):
    """Boundaries are read once per process (the warm kernel keeps them across reports)."""
    cached = _CACHE.get(geo_dir)
    if cached is None:
        cached = _CACHE[geo_dir] = charts.load_boundaries(geo_dir)
    return cached


_CACHE: dict = {}
