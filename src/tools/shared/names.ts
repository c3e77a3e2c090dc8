/** The served tool names. Tools point the model at one another, so the names sit below every tool folder. */
export const TOOL_NAMES = {
  listBackupSetDownloadTasks: 'list_backup_set_download_tasks',
  listBackupPlans: 'list_backup_plans',
  waitForBackupSetDownloadTask: 'wait_for_backup_set_download_task',
} as const;
