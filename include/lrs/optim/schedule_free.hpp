// SPDX-License-Identifier: MIT
// lrs::sgd_schedule_free and lrs::adamw_schedule_free: Schedule-Free SGD and AdamW (Defazio et al.,
// "The Road Less Scheduled", NeurIPS 2024), driven by an LR per step like the other optimizers.
#ifndef LRS_OPTIM_SCHEDULE_FREE_HPP
#define LRS_OPTIM_SCHEDULE_FREE_HPP

#include <lrs/optim/adamw_schedule_free.hpp>
#include <lrs/optim/sgd_schedule_free.hpp>

#endif  // LRS_OPTIM_SCHEDULE_FREE_HPP
