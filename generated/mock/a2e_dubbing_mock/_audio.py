"""The dubbed "result" the mock serves: a short, valid WAV file (a sine tone)."""

from __future__ import annotations

import functools
import io
import math
import struct
import wave

CONTENT_TYPE = "audio/wav"
RATE = 16_000
SECONDS = 1.0
FREQUENCY = 440.0


@functools.cache
def tone_wav() -> bytes:
    """One second of a 440 Hz tone, 16 kHz mono 16-bit PCM, built once."""
    frames = int(RATE * SECONDS)
    samples = (
        int(0.3 * 32767 * math.sin(2 * math.pi * FREQUENCY * n / RATE)) for n in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{frames}h", *samples))
    return buffer.getvalue()
