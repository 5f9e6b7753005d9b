"""Statistics shared by the study tools: the seeded percentile bootstrap of a mean."""


def bootstrap(values, draws, rng):
    """The 2.5% and 97.5% quantiles of the mean over `draws` resamples of the values, drawn
    with `rng` (a seeded random.Random, so the interval is the same on every run)."""
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(draws))
    return means[int(0.025 * draws)], means[int(0.975 * draws) - 1]
