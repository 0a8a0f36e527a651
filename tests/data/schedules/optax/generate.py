#!/usr/bin/env python3
"""Reference values for tests/schedules/optax_test.cpp, tests/io/optax_spec_test.cpp and
tests/tools/optax_tool_test.cpp: optax's schedule functions transcribed line by line into NumPy
float64, keeping optax's order of operations, clip/where semantics and integer step counts.

Source: google-deepmind/optax, optax/schedules/_schedule.py and optax/schedules/_join.py at
commit 2edbcbe2390da13983b92cbef94ac0460ecde1c5 (Apache License 2.0). optax evaluates in float32
by default; these are its formulas evaluated in float64. jnp is replaced by np; logging.info by
nothing (the schedules it announces are reproduced); np.cos by _cos below.

Each configuration is the Python call as it is written in a training script; it is evaluated
here with `optax` bound to the transcription, and parsed by lrs from the same text.

Output: golden.txt, one configuration per line, tab-separated:
  <name> TAB <python call> TAB <step>:<value> <step>:<value> ...   (values with 17 digits)

Run: python3 generate.py > golden.txt
"""
import math
import types

import numpy as np

# cos through the C library (math.cos), elementwise: NumPy's own float64 cos differs from it by
# an ulp at some arguments, and near the end of a cosine decay 1 + cos(x) cancels, turning that
# ulp into a relative error of ~1e-12 (warmup_cosine at step 996). The C library's cos is the one
# C++'s std::cos calls; XLA's cos (what optax runs) is a third implementation.
_cos = np.vectorize(math.cos, otypes=[np.float64])


# --- optax/schedules/_join.py ---------------------------------------------------------------
def join_schedules(schedules, boundaries):
    def schedule(step):
        output = schedules[0](step)
        for boundary, sched in zip(boundaries, schedules[1:]):
            output = np.where(step < boundary, output, sched(step - boundary))
        return output
    return schedule


# --- optax/schedules/_schedule.py -----------------------------------------------------------
def constant_schedule(value):
    return lambda count: value


def polynomial_schedule(init_value, end_value, power, transition_steps, transition_begin=0):
    if transition_steps <= 0:
        return lambda count: init_value
    if transition_begin < 0:
        transition_begin = 0

    def schedule(count):
        count = np.clip(count - transition_begin, 0, transition_steps)
        frac = 1 - count / transition_steps
        return (init_value - end_value) * (frac**power) + end_value
    return schedule


def linear_schedule(init_value, end_value, transition_steps, transition_begin=0):
    return polynomial_schedule(init_value=init_value, end_value=end_value, power=1,
                               transition_steps=transition_steps,
                               transition_begin=transition_begin)


def piecewise_constant_schedule(init_value, boundaries_and_scales=None):
    if boundaries_and_scales is not None:
        all_positive = all(scale >= 0.0 for scale in boundaries_and_scales.values())
        if not all_positive:
            raise ValueError('`piecewise_constant_schedule` expects non-negative scale factors')

    def schedule(count):
        v = init_value
        if boundaries_and_scales is not None:
            for threshold, scale in sorted(boundaries_and_scales.items()):
                indicator = np.maximum(0.0, np.sign(threshold - count))
                v = v * indicator + (1 - indicator) * scale * v
        return v
    return schedule


def exponential_decay(init_value, transition_steps, decay_rate, transition_begin=0,
                      staircase=False, end_value=None):
    if transition_steps <= 0:
        return lambda count: init_value
    if decay_rate == 0:
        return lambda count: init_value
    if transition_begin < 0:
        transition_begin = 0
    if end_value is not None:
        clip_fn = np.maximum if decay_rate < 1.0 else np.minimum

    def schedule(count):
        decreased_count = count - transition_begin
        p = decreased_count / transition_steps
        if staircase:
            p = np.floor(p)
        decayed_value = np.where(decreased_count <= 0, init_value,
                                 init_value * np.power(decay_rate, p))
        if end_value is not None:
            decayed_value = clip_fn(decayed_value, end_value)
        return decayed_value
    return schedule


def cosine_decay_schedule(init_value, decay_steps, alpha=0.0, exponent=1.0):
    if not decay_steps > 0:
        raise ValueError('The cosine_decay_schedule requires positive decay_steps')

    def schedule(count):
        ds = float(decay_steps)
        count = np.float64(count)
        count = np.minimum(count, ds)
        cosine_decay = 0.5 * (1 + _cos(np.pi * count / ds))
        decayed = (1 - alpha) * cosine_decay**exponent + alpha
        return init_value * decayed
    return schedule


def _linear_interpolate(start, end, pct):
    return (end - start) * pct + start


def _cosine_interpolate(start, end, pct):
    return end + (start - end) / 2.0 * (_cos(np.pi * pct) + 1)


def piecewise_interpolate_schedule(interpolate_type, init_value, boundaries_and_scales=None):
    if interpolate_type == 'linear':
        interpolate_fn = _linear_interpolate
    elif interpolate_type == 'cosine':
        interpolate_fn = _cosine_interpolate
    else:
        raise ValueError("`interpolate_type` must be either 'cosine' or 'linear'")
    if boundaries_and_scales:
        boundaries, scales = zip(*sorted(boundaries_and_scales.items()))
        if not all(scale >= 0.0 for scale in scales):
            raise ValueError('`piecewise_interpolate_schedule` expects non-negative scales')
    else:
        boundaries, scales = (), ()

    def schedule(count):
        bounds = np.stack((0,) + boundaries)
        values = np.cumprod(np.stack((np.float64(init_value),) + scales))
        interval_sizes = np.maximum(bounds[1:] - bounds[:-1], 1)
        indicator = np.logical_and(bounds[:-1] <= count, count < bounds[1:])
        pct = (count - bounds[:-1]) / interval_sizes
        interp_vals = interpolate_fn(values[:-1], values[1:], pct)
        return indicator.dot(interp_vals) + (bounds[-1] <= count) * values[-1]
    return schedule


def linear_onecycle_schedule(transition_steps, peak_value, pct_start=0.3, pct_final=0.85,
                             div_factor=25.0, final_div_factor=1e4):
    if transition_steps <= 0:
        raise ValueError('A linear onecycle schedule was set with a non-positive '
                         '`transition_steps`')
    return piecewise_interpolate_schedule(
        'linear', peak_value / div_factor,
        {int(pct_start * transition_steps): div_factor,
         int(pct_final * transition_steps): 1.0 / div_factor,
         transition_steps: 1.0 / final_div_factor})


def cosine_onecycle_schedule(transition_steps, peak_value, pct_start=0.3, div_factor=25.0,
                             final_div_factor=1e4):
    if transition_steps <= 0:
        raise ValueError('A cosine onecycle schedule was set with a non-positive '
                         '`transition_steps`')
    return piecewise_interpolate_schedule(
        'cosine', peak_value / div_factor,
        {int(pct_start * transition_steps): div_factor,
         int(transition_steps): 1.0 / (div_factor * final_div_factor)})


def warmup_constant_schedule(init_value, peak_value, warmup_steps):
    return linear_schedule(init_value=init_value, end_value=peak_value,
                           transition_steps=warmup_steps)


def warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps,
                                 end_value=0.0, exponent=1.0):
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value
    schedules = [
        linear_schedule(init_value=init_value, end_value=peak_value,
                        transition_steps=warmup_steps),
        cosine_decay_schedule(init_value=peak_value, decay_steps=decay_steps - warmup_steps,
                              alpha=alpha, exponent=exponent),
    ]
    return join_schedules(schedules, [warmup_steps])


def warmup_exponential_decay_schedule(init_value, peak_value, warmup_steps, transition_steps,
                                      decay_rate, transition_begin=0, staircase=False,
                                      end_value=None):
    schedules = [
        linear_schedule(init_value=init_value, end_value=peak_value,
                        transition_steps=warmup_steps),
        exponential_decay(init_value=peak_value, transition_steps=transition_steps,
                          decay_rate=decay_rate, transition_begin=transition_begin,
                          staircase=staircase, end_value=end_value),
    ]
    return join_schedules(schedules, [warmup_steps])


def sgdr_schedule(cosine_kwargs):
    boundaries = []
    schedules = []
    step = 0
    for kwargs in cosine_kwargs:
        schedules += [warmup_cosine_decay_schedule(**kwargs)]
        boundaries += [step + kwargs['decay_steps']]
        step += kwargs['decay_steps']
    return join_schedules(schedules, boundaries[:-1])


NAMES = ['constant_schedule', 'polynomial_schedule', 'linear_schedule',
         'piecewise_constant_schedule', 'exponential_decay', 'cosine_decay_schedule',
         'piecewise_interpolate_schedule', 'linear_onecycle_schedule', 'cosine_onecycle_schedule',
         'warmup_constant_schedule', 'warmup_cosine_decay_schedule',
         'warmup_exponential_decay_schedule', 'sgdr_schedule', 'join_schedules']

# --- configurations -------------------------------------------------------------------------
# (name, call, last step of the dense range, extra far steps). Steps 0..last, then the extras.
FAR = [1000, 12345, 1000000]
CONFIGS = [
    ('constant', 'optax.constant_schedule(0.003)', 3, FAR),
    ('polynomial_p2', 'optax.polynomial_schedule(init_value=1.0, end_value=0.01, power=2, '
     'transition_steps=100)', 103, FAR),
    ('polynomial_begin', 'optax.polynomial_schedule(init_value=1.0, end_value=0.01, '
     'transition_steps=100, transition_begin=5, power=2)', 110, FAR),
    ('polynomial_frac_power', 'optax.polynomial_schedule(0.1, 0.001, 0.5, 37, 3)', 45, FAR),
    ('polynomial_rising', 'optax.polynomial_schedule(0.0, 0.5, 3.0, 20)', 25, FAR),
    ('polynomial_steps0', 'optax.polynomial_schedule(0.2, 0.01, 2, 0)', 5, FAR),
    ('polynomial_steps_neg', 'optax.polynomial_schedule(0.2, 0.01, 2, -4)', 5, FAR),
    ('polynomial_begin_neg', 'optax.polynomial_schedule(0.2, 0.01, 2, 10, -3)', 12, FAR),
    ('linear', 'optax.linear_schedule(init_value=1.0, end_value=0.01, transition_steps=100)',
     102, FAR),
    ('linear_begin', 'optax.schedules.linear_schedule(0.0, 3e-4, 7, transition_begin=11)', 20,
     FAR),
    ('linear_steps0', 'linear_schedule(0.5, 0.1, 0)', 3, FAR),
    ('piecewise_constant', 'optax.piecewise_constant_schedule(init_value=1.0, '
     'boundaries_and_scales={100: 0.1, 200: 0.01})', 205, FAR),
    ('piecewise_constant_unsorted', 'optax.piecewise_constant_schedule(0.1, '
     '{30: 0.5, 10: 0.2, 0: 3.0, 20: 0.0})', 35, FAR),
    ('piecewise_constant_none', 'optax.piecewise_constant_schedule(0.25)', 3, FAR),
    ('piecewise_constant_empty', 'optax.piecewise_constant_schedule(0.25, {})', 3, FAR),
    ('exponential', 'optax.exponential_decay(init_value=0.1, transition_steps=10, '
     'decay_rate=0.5)', 40, FAR),
    ('exponential_staircase', 'optax.exponential_decay(0.1, 10, 0.5, staircase=True)', 40, FAR),
    ('exponential_begin_end', 'optax.exponential_decay(0.1, 7, 0.3, transition_begin=5, '
     'end_value=0.002)', 40, FAR),
    ('exponential_growth_end', 'optax.exponential_decay(0.01, 4, 2.0, end_value=0.5)', 30, FAR),
    ('exponential_end_above_init', 'optax.exponential_decay(0.01, 4, 0.5, end_value=0.02)', 10,
     FAR),
    ('exponential_rate1_end_below', 'optax.exponential_decay(0.01, 4, 1.0, end_value=0.005)',
     10, FAR),
    ('exponential_rate0', 'optax.exponential_decay(0.01, 4, 0.0)', 5, FAR),
    ('exponential_steps0', 'optax.exponential_decay(0.01, 0, 0.5)', 5, FAR),
    ('exponential_staircase_begin', 'optax.exponential_decay(0.2, 3, 0.9, 4, True, 0.1)', 40,
     FAR),
    ('exponential_begin_neg', 'optax.exponential_decay(0.2, 3, 0.9, transition_begin=-6)', 12,
     FAR),
    ('cosine', 'optax.cosine_decay_schedule(init_value=1e-3, decay_steps=100)', 102, FAR),
    ('cosine_alpha_exponent', 'optax.cosine_decay_schedule(0.5, 33, alpha=0.1, exponent=2.0)',
     36, FAR),
    ('cosine_alpha_above1', 'optax.cosine_decay_schedule(0.1, 10, 2.5, 0.5)', 12, FAR),
    ('cosine_one_step', 'optax.cosine_decay_schedule(0.1, 1)', 3, FAR),
    ('warmup_constant', 'optax.warmup_constant_schedule(init_value=0.0, peak_value=0.01, '
     'warmup_steps=10)', 13, FAR),
    ('warmup_constant_w0', 'optax.warmup_constant_schedule(0.0, 0.01, 0)', 3, FAR),
    ('warmup_cosine', 'optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=1.0, '
     'warmup_steps=50, decay_steps=1000, end_value=0.0)', 1003, [2000, 12345, 1000000]),
    ('warmup_cosine_end_exp', 'optax.warmup_cosine_decay_schedule(1e-5, 3e-4, 7, 60, '
     'end_value=3e-5, exponent=1.5)', 63, FAR),
    ('warmup_cosine_w0', 'optax.warmup_cosine_decay_schedule(0.5, 1.0, 0, 20, 0.1)', 23, FAR),
    ('warmup_cosine_peak0', 'optax.warmup_cosine_decay_schedule(0.1, 0.0, 5, 20, 0.3)', 23,
     FAR),
    ('warmup_cosine_end_above_peak', 'optax.warmup_cosine_decay_schedule(0.0, 0.1, 4, 14, '
     '0.4)', 16, FAR),
    ('warmup_cosine_decay_is_warmup_plus1', 'optax.warmup_cosine_decay_schedule(0.0, 0.1, 9, '
     '10)', 12, FAR),
    ('warmup_exponential', 'optax.warmup_exponential_decay_schedule(init_value=0.0, '
     'peak_value=0.1, warmup_steps=10, transition_steps=5, decay_rate=0.5)', 60, FAR),
    ('warmup_exponential_all', 'optax.warmup_exponential_decay_schedule(0.001, 0.1, 6, 4, '
     '0.8, transition_begin=3, staircase=True, end_value=0.03)', 40, FAR),
    ('warmup_exponential_w0', 'optax.warmup_exponential_decay_schedule(0.5, 0.1, 0, 4, 0.8)',
     10, FAR),
    ('warmup_exponential_growth', 'optax.warmup_exponential_decay_schedule(0.0, 0.01, 3, 2, '
     '3.0, end_value=0.2)', 15, FAR),
    ('sgdr', 'optax.sgdr_schedule([{"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 5, '
     '"decay_steps": 20}, {"init_value": 0.01, "peak_value": 0.05, "warmup_steps": 2, '
     '"decay_steps": 15, "end_value": 0.001}, {"init_value": 0.0, "peak_value": 0.02, '
     '"warmup_steps": 0, "decay_steps": 10, "exponent": 2.0}])', 50, FAR),
    ('sgdr_one', 'optax.sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=3, '
     'decay_steps=8)])', 12, FAR),
    ('join', 'optax.join_schedules([optax.linear_schedule(0.0, 0.1, 10), '
     'optax.cosine_decay_schedule(0.1, 30), optax.constant_schedule(0.005)], [10, 40])', 45,
     FAR),
    ('join_equal_boundaries', 'optax.join_schedules(schedules=[optax.constant_schedule(0.1), '
     'optax.constant_schedule(0.2), optax.exponential_decay(0.3, 2, 0.5)], '
     'boundaries=[5, 5])', 10, FAR),
    ('join_boundary0', 'optax.join_schedules([optax.constant_schedule(0.1), '
     'optax.linear_schedule(0.2, 0.0, 4)], [0])', 6, FAR),
    ('interp_linear', "optax.piecewise_interpolate_schedule('linear', 1.0, "
     "{4: 0.1, 8: 0.01})", 11, FAR),
    ('interp_cosine', "optax.piecewise_interpolate_schedule(interpolate_type='cosine', "
     "init_value=0.05, boundaries_and_scales={25: 4.0, 10: 2.0, 60: 0.001})", 65, FAR),
    ('interp_key0', "optax.piecewise_interpolate_schedule('linear', 0.2, {0: 0.5, 6: 3.0})", 8,
     FAR),
    ('interp_key0_only', "optax.piecewise_interpolate_schedule('cosine', 0.2, {0: 0.5})", 3,
     FAR),
    ('interp_none', "optax.piecewise_interpolate_schedule('cosine', 0.2)", 3, FAR),
    ('interp_zero_scale', "optax.piecewise_interpolate_schedule('linear', 0.2, "
     "{5: 0.0, 9: 7.0})", 11, FAR),
    ('onecycle_linear', 'optax.linear_onecycle_schedule(transition_steps=100, peak_value=0.1)',
     103, FAR),
    ('onecycle_linear_opts', 'optax.linear_onecycle_schedule(57, 0.3, pct_start=0.25, '
     'pct_final=0.6, div_factor=10.0, final_div_factor=100.0)', 60, FAR),
    ('onecycle_linear_trunc', 'optax.linear_onecycle_schedule(100, 1.0, pct_start=0.29, '
     'pct_final=0.57)', 102, FAR),
    ('onecycle_linear_tiny', 'optax.linear_onecycle_schedule(1, 0.1)', 3, FAR),
    ('onecycle_linear_final_at_end', 'optax.linear_onecycle_schedule(10, 0.1, pct_start=0.3, '
     'pct_final=1.0)', 12, FAR),
    ('onecycle_cosine', 'optax.cosine_onecycle_schedule(transition_steps=100, peak_value=0.1)',
     103, FAR),
    ('onecycle_cosine_opts', 'optax.schedules.cosine_onecycle_schedule(33, 2e-3, 0.45, 5.0, '
     '50.0)', 36, FAR),
    ('onecycle_cosine_start0', 'optax.cosine_onecycle_schedule(10, 0.1, pct_start=0.0)', 12,
     FAR),
    ('onecycle_cosine_start1', 'optax.cosine_onecycle_schedule(10, 0.1, pct_start=1.0)', 12,
     FAR),
]


def main():
    np.seterr(over="ignore")  # decay_rate > 1: the where() branch not taken overflows, as in optax
    ns = types.SimpleNamespace(**{n: globals()[n] for n in NAMES})
    ns.schedules = ns
    env = {n: globals()[n] for n in NAMES}
    env['optax'] = ns
    for name, call, last, extra in CONFIGS:
        sched = eval(call, env)  # pylint: disable=eval-used
        cells = []
        for step in list(range(last + 1)) + list(extra):
            v = float(np.float64(sched(np.int64(step))))
            cells.append('%d:%.17g' % (step, v))
        print('%s\t%s\t%s' % (name, call, ' '.join(cells)))


if __name__ == '__main__':
    main()
