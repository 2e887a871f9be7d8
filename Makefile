# chiso: `make run` builds and runs the sample pipeline; `make test` runs every test.
# Both install what is missing first (Debian packages, a Python venv for the tests), so each works on a
# fresh machine.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SAMPLES_SEED ?= 2023

.PHONY: all deps test-deps build run test samples bench man fuzz clean

all: build

# libcsv-dev: the CSV tokenizer; libsqlite3-dev: the warehouse (through GRDB); libxlsxwriter-dev: the workbook;
# libc6-dev: the C headers of the CSystemCalls shim (malloc.h, limits.h; Swift's Glibc module needs it too).
# libdeflate-dev: CRC-32, the check on each stored-state chunk read back (CLibDeflate).
DEBS := libcsv-dev libsqlite3-dev libxlsxwriter-dev libpq-dev libc6-dev libdeflate-dev
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing ..."; \
	  $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; fi

build: deps
	$(SWIFT) build -c release --product chiso

# The sample first (its progress on a terminal), then every other pipeline (2024 before 2025: the latter
# compares with it), each leaving its CSVs, bao-cao.xlsx and bao-cao.html under out/.
PIPELINES := gieng-day-2024-cchc-cds hung-yen-2024-dan-van kon-tum-huyen-2023-2030-cchc ninh-thuan-2022-dvc-bcci \
             ninh-thuan-ldtbxh-2023-cchc hoa-phong-2024 hoa-phong-2025-hai-cap bo-chi-so-766
run: build
	.build/release/chiso run pipelines/sample.yaml
	@for p in $(PIPELINES); do .build/release/chiso run pipelines/$$p.yaml --quiet || exit $$?; done
	@echo "chiso: mỗi pipeline trong pipelines/ có kết quả (CSV, bao-cao.xlsx, bao-cao.html) trong out/"; ls -d out/*/*/

# What the tests drive besides chiso: a real browser to print the council's report (chromium), PDF tools to
# read it back (poppler-utils), fonts with Vietnamese glyphs, and an independent xlsx reader (openpyxl from
# PyPI, in a venv under var/, which needs python3-venv), script(1) to give chiso a terminal (bsdutils) and
# mount(8) for the full-disk test's tmpfs (both are in every Debian install; listed so nothing is assumed).
TEST_DEBS := chromium poppler-utils fonts-dejavu-core python3 python3-venv bsdutils mount postgresql
VENV := var/venv
test-deps:
	@missing=""; for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing ..."; \
	  $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; fi
	@$(VENV)/bin/python -c "import openpyxl" 2>/dev/null || { \
	  echo "Installing openpyxl into $(VENV) ..."; rm -rf $(VENV); \
	  python3 -m venv $(VENV) && $(VENV)/bin/pip install -q openpyxl; }

# The PostgreSQL tests (SPEC 12) run against a throwaway cluster started here and stopped however the
# tests end; its addresses reach them in CHISO_TEST_PG*.
test: deps test-deps
	$(SWIFT) build --build-tests
	@pg=$$(mktemp -d /tmp/chiso-pg.XXXXXX); trap 'scripts/pg-cluster.sh stop '"$$pg" EXIT; \
	  env=$$(scripts/pg-cluster.sh start $$pg fast) || exit 1; eval "$$(echo "$$env" | sed 's/^/export /')"; \
	  echo "PostgreSQL: $$CHISO_TEST_PG"; $(SWIFT) test

# Regenerates samples/ from the deterministic generator (the committed files are its output).
GEN := .build/release/chiso-samples
samples: deps
	$(SWIFT) build -c release --product chiso-samples
	$(GEN) --out samples/hoa-phong --layout province --dossiers 20000 --seed $(SAMPLES_SEED) --from 2022-11-15 --to 2023-11-30
	$(GEN) --out samples/hoa-phong-2024 --layout province --dossiers 8000 --seed 2024 --from 2024-01-01 --to 2024-12-31
	$(GEN) --out samples/doi-may --layout district --dossiers 6000 --seed 41 --from 2023-01-01 --to 2023-12-31
	$(GEN) --out samples/van-khe --layout city --dossiers 5000 --seed 50 --from 2024-01-01 --to 2024-12-31
	$(GEN) --out samples/so-ldtbxh --layout department --dossiers 3000 --seed 19 --from 2023-01-01 --to 2023-12-31
	$(GEN) --out samples/hoa-phong-2025 --layout province-2025 --dossiers 12000 --seed 2025 --from 2025-01-01 --to 2025-12-31

# Not part of `make test`: chiso beside the libcsv floor and DuckDB (N=5000000 for the big run).
N ?= 1000000
# DuckDB comes from PyPI into a venv; the PostgreSQL side runs on a throwaway cluster of Debian's server.
BENCH_DEBS := python3-venv postgresql
bench: deps
	@missing=""; for p in $(BENCH_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing ..."; \
	  $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; fi
	bash Benchmarks/bench.sh $(N)

# The manual page, generated from the command definitions by swift-argument-parser's own plugin.
# The generator keeps ASCII only, so chiso hands it Vietnamese as @uXXXX@ tokens, turned into groff escapes here.
man: deps
	CHISO_MAN_ESCAPES=1 $(SWIFT) package generate-manual
	mkdir -p out/man
	sed -E 's/@u([0-9A-F]{4,5})@/\\[u\1]/g' .build/plugins/GenerateManual/outputs/chiso/chiso.1 > out/man/chiso.1
	@echo "man -l out/man/chiso.1"

# Not part of `make test`: libFuzzer over the CSV reader, the date/number parsers and the stored-state
# decoder for FUZZ_SECONDS, its corpus seeded from samples/ (first 64 KiB of each export); crashes land
# in var/fuzz/.
FUZZ_SECONDS ?= 300
fuzz: deps
	$(SWIFT) build -c release --product chiso-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
	mkdir -p var/fuzz/corpus var/fuzz/crashes
	for f in $$(find samples -name '*.csv' | sort); do head -c 65536 "$$f" > "var/fuzz/corpus/$$(echo $$f | tr / _)"; done
	.build-fuzz/release/chiso-fuzz var/fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	  -artifact_prefix=var/fuzz/crashes/ -print_final_stats=1

clean:
	rm -rf .build out var
