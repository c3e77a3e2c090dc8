/** The plan every bench section reads: 2,345 tasks, 24 pages of 100, the last one partly filled. */
export const PLAN_ID = 'dbs1benchplan1';
export const PLAN_TASKS = 2_345;
export const PLAN_SEED = 7;
