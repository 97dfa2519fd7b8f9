#!/bin/sh
# Writes the reference samples into a libFuzzer corpus directory, one input per file.
# usage: make_seed_corpus.sh SAMPLES_DIR CORPUS_DIR
set -eu
samples=${1:?samples dir}
corpus=${2:?corpus dir}
mkdir -p "$corpus"
for f in "$samples"/*.jsonl; do
  split -l 1 -d -a 3 "$f" "$corpus/$(basename "$f" .jsonl)-"
done
cp "$samples"/*.json "$samples"/bad/* "$corpus"/
