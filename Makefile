# `make demo` and `make test` set everything up on a fresh machine, then run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@

demo: $(STAMP) fonts
	$(BIN)/auditkit demo

test: $(STAMP) fonts
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist *.egg-info

# What the PDF needs from Debian, installed when missing: free CJK fonts (when no Chinese font
# is present at all) and HarfBuzz's subsetter, without which WeasyPrint falls back to a much
# slower font subsetting (benchmarks/report.py: the demo PDF 0.8 s with it, 2.7 s without).
CJK_FONTS := fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-wqy-microhei
.PHONY: fonts
fonts:
	@missing=""; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$(CJK_FONTS)"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "安装系统依赖：$$missing"; \
	  $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -qq >/dev/null && $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }; \
	else echo "缺少 $$missing，且无法自动安装（需要 apt-get）：PDF 可能缺字或较慢" >&2; fi
