"""The workbench driven as a person uses it: Debian's Chromium through its chromedriver (selenium
with the driver's path given, so nothing is downloaded), against a real server on loopback.

``make test`` installs chromium and chromium-driver when missing. With AUDITKIT_SCREENSHOTS set to
a folder, the start, result and error pages are saved there (docs/ holds the ones in README).
"""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from tests.web_support import FIXTURES, live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(DRIVER).exists()),
                                reason="Debian 的 chromium 和 chromium-driver 未安装（make test 会安装）")


@pytest.fixture(scope="module")
def base():
    with live_server(max_runs=2) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # selenium manager must not look for a driver online
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,1600", f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    folder = os.environ.get("AUDITKIT_SCREENSHOTS")
    if folder:
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1200, min(max(height + 120, 900), 3000))
        driver.save_screenshot(str(Path(folder) / name))
        driver.set_window_size(1200, 1600)


def _upload(driver, base: str, paths: list[Path]) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    driver.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in paths))
    driver.find_element(By.ID, "run").click()


def _wait_for(driver, element_id: str, seconds: float = 300):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(ec.presence_of_element_located((By.ID, element_id)))


def _downloaded(folder: Path, name: str, seconds: float = 60) -> Path:
    deadline = time.time() + seconds
    while time.time() < deadline:
        path = folder / name
        if path.exists() and not list(folder.glob("*.crdownload")):
            return path
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded: {sorted(p.name for p in folder.iterdir())}")


def test_upload_the_demo_workbook_read_findings_and_download(browser, base, tmp_path):
    """Choose the demo's files, start, see the findings, open one, filter, download PDF and DOCX."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(base + "/")
    _shot(browser, "web-start.png")
    demo = FIXTURES / "demo-nmg-2025"
    _upload(browser, base, [p for p in sorted(demo.iterdir()) if p.is_file() and p.suffix in (".toml", ".csv", ".xlsx")])
    _wait_for(browser, "findings")
    findings = browser.find_elements(By.CSS_SELECTOR, ".finding")
    assert len(findings) >= 5
    assert "结算资金计算方面" in browser.page_source
    first = findings[0]
    first.find_element(By.TAG_NAME, "summary").click()
    assert "规则及依据" in first.text and "内财社" in first.text
    _shot(browser, "web-result.png")
    Select(browser.find_element(By.ID, "filter-severity")).select_by_value("warning")
    visible = [f for f in browser.find_elements(By.CSS_SELECTOR, ".finding") if f.is_displayed()]
    assert visible and all(f.get_attribute("data-severity") == "warning" for f in visible)

    kinds = {a.get_attribute("data-kind"): a for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")}
    kinds["pdf"].click()
    pdf = _downloaded(browser.downloads, "审核意见.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if "docx" in kinds:
        kinds["docx"].click()
        docx = _downloaded(browser.downloads, "审核意见.docx")
        assert "word/document.xml" in zipfile.ZipFile(docx).namelist()


def test_a_broken_package_shows_the_cell(browser, base, tmp_path):
    """A package with 待定 in an amount cell: the page names the file, sheet, row and column."""
    case = FIXTURES / "bad" / "non-numeric-amount"
    _upload(browser, base, [case / "submission.toml", case / "settlement.xlsx"])
    problems = _wait_for(browser, "problems")
    for words in ("settlement.xlsx", "工作表“结算表”", "第5行", "应补助资金（B列）", "待定"):
        assert words in problems.text
    _shot(browser, "web-error.png")


def test_a_zip_with_a_parent_entry_is_refused(browser, base, tmp_path):
    archive = tmp_path / "数据包.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("submission.toml", "[submission]\n")
        out.writestr("../../settlement.csv", "地区\n")
    _upload(browser, base, [archive])
    assert "指向压缩包以外的位置" in _wait_for(browser, "problems").text


def test_the_demo_button(browser, base):
    from selenium.webdriver.common.by import By

    browser.get(base + "/")
    browser.find_element(By.ID, "demo").click()
    _wait_for(browser, "findings")
    assert "示例数据" in browser.find_element(By.TAG_NAME, "h1").text
