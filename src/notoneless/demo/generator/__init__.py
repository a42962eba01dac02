"""The deterministic demo-county generator: synthetic registers calibrated to Yuyang District.

``generate(scale, seed, out)`` writes one file per import kind (see ``docs/demo-data.md``) and
``truth.json``. Same seed, same bytes.
"""

from notoneless.demo.generator.run import Summary, generate
from notoneless.demo.generator.scales import SCALES, NoiseRates

__all__ = ["SCALES", "NoiseRates", "Summary", "generate"]
