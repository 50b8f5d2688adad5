"""The report runner and the template: parameters, skipping, failures, index, manifest, content."""

from __future__ import annotations

import json
import re
import sys

import nbformat
import papermill
import pytest

from samfunn_data import cli
from samfunn_data.config import get_settings
from samfunn_data.errors import MunicipalityChangedError, ReportError, UnknownMunicipalityError
from samfunn_data.facts import factbase
from samfunn_data.formatting import fmt_int, fmt_pct
from samfunn_data.reports import runner as reports
from samfunn_data.reports import warm_kernel
from tests.report_fixtures import (
    REPORT_KOMMUNE,
    REPORT_YEAR,
    SNAPSHOT,
    built_data_dir,
    rendered_report,
    tiny_template,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Fact base from the snapshot; reports into tmp_path (never the repo's reports/)."""
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))
    monkeypatch.setenv("SAMFUNN_REPORTS_DIR", str(tmp_path / "reports"))
    return tmp_path / "reports"


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything tries to run a report (start a kernel or a worker pool)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("a kernel or worker was started although the parameters were bad")

    monkeypatch.setattr(reports, "_run_jobs", refuse)
    monkeypatch.setattr(warm_kernel, "_kernel_manager", refuse)


# -- parameters -------------------------------------------------------------------------------------------


def test_years_accept_ranges_lists_and_main():
    assert reports.parse_years("2020-2023", 1986, 2026) == [2020, 2021, 2022, 2023]
    assert reports.parse_years("2020,2024", 1986, 2026) == [2020, 2024]
    assert reports.parse_years("main", 1986, 2026) == [2020, 2021, 2022, 2023, 2026]
    assert reports.parse_years(" 2023 ", 1986, 2026) == [2023]


@pytest.mark.parametrize("spec", ["", "20-23", "2023-2020", "latest", "2020;2021"])
def test_malformed_years_say_how_to_write_them(spec):
    with pytest.raises(ReportError, match="years"):
        reports.parse_years(spec, 1986, 2026)


def test_years_outside_the_data_name_the_range():
    with pytest.raises(ReportError, match=r"2030.*1986–2026"):
        reports.parse_years("2025-2030", 1986, 2026)


@pytest.mark.parametrize("name, slug", [("Holtålen", "holtalen"), ("Træna", "traena"), ("Dønna", "donna"),
                                         ("Røros - Rossen", "roros-rossen"),
                                         ("Loabák - Lavangen", "loabak-lavangen")])
def test_file_names_are_ascii_slugs(name, slug):
    assert reports.slugify(name) == slug


def test_unknown_municipality_fails_before_any_kernel(env, no_kernel):
    with pytest.raises(UnknownMunicipalityError):
        reports.render_reports("Atlantis", "2023")
    assert not (env / "index.html").exists()


def test_retired_code_names_its_successors_before_any_kernel(env, no_kernel):
    with pytest.raises(MunicipalityChangedError, match="1806|1875"):
        reports.render_reports("1850", "2023")


def test_year_without_data_fails_before_any_kernel(env, no_kernel):
    with pytest.raises(ReportError, match="ingen data for rapportåret 2031"):
        reports.render_reports("network", "2031")


def test_cli_reports_bad_parameters_as_a_clear_message(env, no_kernel, capsys):
    assert cli.main(["reports", "--kommuner", "Atlantis", "--years", "2023", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "samfunn reports:" in err and "Atlantis" in err


def test_network_and_small_resolve_from_the_registry(env):
    network = [m.code for m in reports.resolve_kommuner("network", [2023])]
    assert network == ["1825", "1827", "1874", "5026", "5033", "5043"]
    small = {m.code for m in reports.resolve_kommuner("small", [2023])}
    assert set(network) <= small and "1835" in small  # Træna
    assert all(code[:2] in ("18", "50") for code in small)
    names = [m.code for m in reports.resolve_kommuner("Tydal, raarvihke,1825", [2023])]
    assert names == ["1825", "5033", "5043"]


def test_python3_kernel_runs_this_environments_python():
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    KernelSpecManager().get_kernel_spec(warm_kernel.KERNEL_NAME)  # raises NoSuchKernel if missing
    cmd = KernelManager(kernel_name=warm_kernel.KERNEL_NAME).format_kernel_cmd()
    assert cmd[0] == sys.executable


# -- runner: skipping, forcing, failures --------------------------------------------------------------------


@pytest.mark.slow
def test_runner_skips_unchanged_isolates_failures_and_forces(env, tmp_path, capsys):
    template = tiny_template(tmp_path / "tiny.ipynb", fail_for="1827")
    args = ["reports", "--kommuner", "1827,5033", "--years", "2022,2023", "--no-progress", "--jobs", "2",
            "--template", str(template)]

    assert cli.main(args) == 1  # one municipality fails: non-zero exit, but at the end
    out = capsys.readouterr().out
    assert "FEILET 2022 1827" in out and "4 rapporter: 2 laget" in out and str(env / "index.html") in out
    manifest = json.loads((env / "manifest.json").read_text())
    status = {k: e["status"] for k, e in manifest["reports"].items()}
    assert status == {"2022/1827": "failed", "2022/5033": "ok", "2023/1827": "failed", "2023/5033": "ok"}
    failed = manifest["reports"]["2023/1827"]
    assert "deliberate failure for 1827" in failed["error"]
    assert (env / "2023" / "5033-tydal.html").exists() and not (env / "2023" / "1827-donna.html").exists()
    entry = manifest["reports"]["2023/5033"]
    assert entry["parameters"] == {"kommunenr": "5033", "year": 2023}
    assert entry["template_hash"] == reports.template_hash(template)
    assert entry["data_fingerprint"] == reports.data_fingerprint(get_settings())
    assert entry["duration_s"] > 0
    index = (env / "index.html").read_text()
    assert 'href="2023/5033-tydal.html"' in index and "deliberate failure for 1827" in index
    first_render = (env / "2023" / "5033-tydal.html").stat().st_mtime_ns

    assert cli.main(args) == 1  # unchanged: the good ones are skipped, the failed ones retried
    manifest = json.loads((env / "manifest.json").read_text())
    assert manifest["reports"]["2023/5033"]["status"] == "skipped"
    assert manifest["reports"]["2023/1827"]["status"] == "failed"
    assert (env / "2023" / "5033-tydal.html").stat().st_mtime_ns == first_render
    assert "uendret" in (env / "index.html").read_text()

    forced = ["reports", "--kommuner", "5033", "--years", "2022,2023", "--no-progress", "--jobs", "1",
              "--template", str(template), "--force"]
    assert cli.main(forced) == 0  # forced: rendered again
    manifest = json.loads((env / "manifest.json").read_text())
    assert manifest["reports"]["2023/5033"]["status"] == "ok"
    assert (env / "2023" / "5033-tydal.html").stat().st_mtime_ns != first_render
    assert "2023/1827" in manifest["reports"]  # earlier reports stay listed in the index


@pytest.mark.slow
def test_changed_template_re_renders(env, tmp_path):
    template = tiny_template(tmp_path / "tiny.ipynb")
    first = reports.render_reports("5033", "2023", template=template, jobs=1, progress=False)
    assert [r.status for r in first] == ["ok"]
    nb = nbformat.read(template, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Ny tekst"))
    nbformat.write(nb, template)
    again = reports.render_reports("5033", "2023", template=template, jobs=1, progress=False)
    assert [r.status for r in again] == ["ok"]


# -- the real template ---------------------------------------------------------------------------------------


def test_template_parameters_and_thin_cells():
    params = papermill.inspect_notebook(str(reports.TEMPLATE))
    assert params["kommunenr"]["default"] == '"5033"' and params["year"]["default"] == "2023"
    nb = nbformat.read(reports.TEMPLATE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for cell in code:
        assert not cell.get("outputs") and cell.get("execution_count") is None  # committed without outputs
        assert not re.search(r"^\s*(def|class) ", cell.source, re.M)  # thin: library calls only
        for line in cell.source.splitlines():
            if line.startswith(("import ", "from ")):
                assert re.match(r"from (samfunn_data(\.\w+)*|IPython\.display) import", line), line


SECTIONS = ["Hovedtrekk", "Befolkningsutvikling", "Alderssammensetning", "Befolkningsendringer",
            "Framskrivinger", "Levekår og økonomi", "Bosetting og sentralitet", "Kommuneøkonomi",
            "Hva betyr dette for planstrategien?", "Datagrunnlag og kilder"]


def _page():
    out = rendered_report()
    return (out / str(REPORT_YEAR) / f"{REPORT_KOMMUNE}-tydal.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_has_the_sections_in_planstrategi_order():
    page = _page()
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    headings = [re.sub("<[^>]+>", "", h).strip() for h in headings]
    assert headings == SECTIONS
    assert '<html lang="nb">' in page and "@media print" in page and "size: A4" in page
    assert "<pre" not in page and "get_ipython" not in page and "report_data.load" not in page  # no code
    images = re.findall(r"<img [^>]*>", page)
    # population, pyramid, components, projection, commuting flow map, economy, locator
    assert len(images) == 7 and all('src="data:image/png;base64,' in i and 'alt="' in i for i in images)
    assert "Kilde: Statistisk sentralbyrå" in page and "CC BY 4.0" in page and "© Kartverket" in page


def _hovedtrekk(page: str) -> str:
    return page.split("Hovedtrekk", 1)[1].split("</ul>", 1)[0]


@pytest.mark.slow
def test_hovedtrekk_numbers_are_the_fact_base_values(monkeypatch):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))
    text = _hovedtrekk(_page())
    facts = factbase.load(REPORT_KOMMUNE)
    value = facts.set_index(["indicator", "year"])["value"]
    assert f"hadde {fmt_int(value['folkemengde', REPORT_YEAR])} innbyggere 1. januar {REPORT_YEAR}" in text
    assert fmt_pct(abs(value["endring_5ar_pst", REPORT_YEAR])) in text
    assert f"fra {REPORT_YEAR - 5} til {REPORT_YEAR}" in text
    assert fmt_pct(value["andel_80_pluss", REPORT_YEAR]) in text
    # 3-year pooled flows end in the year before the report year (flows are known afterwards)
    assert f"{REPORT_YEAR - 3}–{REPORT_YEAR - 1}" in text
    assert fmt_int(value["fodselsoverskudd_3ar", REPORT_YEAR - 1]) in text
    # nothing from after the report year is presented as known then
    assert fmt_int(value["folkemengde", REPORT_YEAR + 1]) not in text
    assert f"1. januar {REPORT_YEAR + 1}" not in _page()
    # SSB's 2024 projections did not exist in 2023: the report names the one that did, and shows none
    assert "SSBs framskriving fra 2022, og den er ikke i dataene" in text


@pytest.mark.slow
def test_template_runs_on_small_fixture_data_and_says_what_is_missing(tmp_path, monkeypatch):
    import shutil

    from tests.factbase_fixtures import write_snapshot

    snapshot = write_snapshot(tmp_path / "snapshot")
    shutil.copytree(SNAPSHOT / "geo", snapshot / "geo")
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(snapshot))
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SAMFUNN_REPORTS_DIR", str(tmp_path / "reports"))
    results = reports.render_reports("Bindal", 2021, jobs=1, progress=False)
    assert [r.status for r in results] == ["ok"], results[0].error
    page = (tmp_path / "reports" / "2021" / "1811-bindal.html").read_text(encoding="utf-8")
    population = factbase.load("1811", 2021).set_index("indicator")["value"]["folkemengde"]
    assert f"Bindal hadde {fmt_int(population)} innbyggere 1. januar 2021." in page
    assert "Tall denne rapporten mangler" in page and "Indikatorer uten tall" in page


def test_index_links_the_network_overview_only_once_it_exists(tmp_path):
    from samfunn_data.reports.html import index_html

    entries = [{"kommunenr": "5033", "name": "Tydal", "year": 2023, "status": "ok",
                "html": "2023/5033-tydal.html", "notebook": "2023/5033-tydal.ipynb", "error": None}]
    assert "network_overview.html" not in index_html(entries, tmp_path)
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "network_overview.html").write_text("<html></html>")
    assert 'href="network/network_overview.html"' in index_html(entries, tmp_path)
