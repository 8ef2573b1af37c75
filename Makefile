# `make demo` and `make test` set everything up on a fresh machine, then run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test serve install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@

demo: $(STAMP) system
	$(BIN)/auditkit demo

test: $(STAMP) system
	$(BIN)/python -m pytest

serve: $(STAMP) system
	$(BIN)/auditkit serve

clean:
	rm -rf $(VENV) build dist *.egg-info

# What auditkit needs from Debian, installed when missing: Pango and HarfBuzz's subsetter for
# WeasyPrint (without the subsetter it falls back to a much slower font subsetting:
# benchmarks/report.py, the demo PDF 0.8 s with it, 2.7 s without), the free CJK fonts the
# report's CSS falls back to, a Java runtime for the Spark engine of the test suite, and Chromium
# with its driver for the web workbench's browser tests (selenium is given the driver's path).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
                   fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-wqy-microhei \
                   chromium chromium-driver
.PHONY: system
system:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$package"; \
	done; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "安装系统依赖：$$missing"; \
	  $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -qq >/dev/null && $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }; \
	else echo "缺少 $$missing，且无法自动安装（需要 apt-get）" >&2; fi
