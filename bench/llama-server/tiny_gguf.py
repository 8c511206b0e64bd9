#!/usr/bin/env python3
"""Write a tiny random llama-architecture GGUF that llama.cpp's llama-server loads.

It is not a language model: the weights are seeded random numbers, so it writes garbage, quickly,
on any CPU. It exists to test Heartline against a real OpenAI-compatible server (wire format,
health check, output check, fallback). Usage: tiny_gguf.py OUT.gguf [--seed N]
"""
import argparse

import numpy as np
from gguf import GGUFWriter, TokenType

N_EMBD, N_HEAD, N_HEAD_KV, N_FF, N_LAYER, N_CTX = 64, 4, 4, 128, 2, 1024

# ChatML, which llama-server also recognises without --jinja.
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# A small SentencePiece-style vocabulary: specials, all 256 byte-fallback tokens (so any UTF-8
# text tokenizes), and some whole pieces, Chinese among them, so the garbage is partly readable.
WORDS = ["▁", "▁the", "▁and", "▁you", "▁sleep", "。", "，", "？"]
CHARACTERS = (
    "你我他的了是不在有人这中大为上个以要时到会可也就出对生能而子那得着下自之年过后作里用道行所然家事成方多么去学"
    "如都同现当没动面起看定天分还进好小心想实日意无力情明知全又关点正业外两高间由问很最重物手向头文体新己身加西月"
    "话合回特内信表化老给世位次度门任常先海通儿原东声提立及比员解水名真论处走义各入几口认条平气题活更别打女变四"
    "睡眠失焦虑压力朋友家人工作学习担心害怕难过开心慢呼吸放松休息运动聊天陪伴"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL] + [TokenType.BYTE] * 256
    seen = set(tokens)
    for piece in WORDS + list(CHARACTERS):
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
            types.append(TokenType.NORMAL)
    scores = [0.0] * 259 + [-float(i) for i in range(1, len(tokens) - 258)]
    n_vocab = len(tokens)

    writer = GGUFWriter(args.out, "llama")
    writer.add_name("heartline-tiny-random")
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(0)  # all F32
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(True)
    writer.add_chat_template(CHAT_TEMPLATE)

    def weight(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.08).astype(np.float32)

    n_kv = N_EMBD // N_HEAD * N_HEAD_KV
    writer.add_tensor("token_embd.weight", weight(n_vocab, N_EMBD))
    for i in range(N_LAYER):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        writer.add_tensor(f"blk.{i}.attn_q.weight", weight(N_EMBD, N_EMBD))
        writer.add_tensor(f"blk.{i}.attn_k.weight", weight(n_kv, N_EMBD))
        writer.add_tensor(f"blk.{i}.attn_v.weight", weight(n_kv, N_EMBD))
        writer.add_tensor(f"blk.{i}.attn_output.weight", weight(N_EMBD, N_EMBD))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        writer.add_tensor(f"blk.{i}.ffn_gate.weight", weight(N_FF, N_EMBD))
        writer.add_tensor(f"blk.{i}.ffn_up.weight", weight(N_FF, N_EMBD))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", weight(N_EMBD, N_FF))
    writer.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    writer.add_tensor("output.weight", weight(n_vocab, N_EMBD))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(f"wrote {args.out}: llama, {N_LAYER} layers, n_embd {N_EMBD}, vocab {n_vocab}")


if __name__ == "__main__":
    main()
