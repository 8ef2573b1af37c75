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
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(STAMP) fonts
	$(BIN)/auditkit demo

test: $(STAMP) fonts
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist *.egg-info

# Free CJK fonts for the PDF review documents, from Debian's packages, when none is installed.
CJK_FONTS := fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-wqy-microhei
.PHONY: fonts
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -qq --no-install-recommends $(CJK_FONTS) >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -qq >/dev/null && $$SUDO apt-get install -y -qq --no-install-recommends $(CJK_FONTS) >/dev/null; }; \
	else echo "未找到中文字体，且无法自动安装（需要 apt-get）：PDF 将缺字" >&2; fi
