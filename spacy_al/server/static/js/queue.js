/*
 * The queue of tasks fetched and not shown yet, pure: no DOM.
 * A task is asked once per page: tasks already seen (by _task_hash, else
 * _input_hash, else text and spans) are not queued again.
 */

/** The key a task is recognised by. */
export function taskKey(task) {
  if (task._task_hash !== undefined && task._task_hash !== null) return "t" + task._task_hash;
  if (task._input_hash !== undefined && task._input_hash !== null) return "i" + task._input_hash;
  return "x" + JSON.stringify([task.text, task.spans || []]);
}

/** Appends the tasks not seen yet to `queue` (in order), records them in `seen`; returns how many. */
export function enqueueNew(queue, seen, tasks) {
  let added = 0;
  for (const task of Array.isArray(tasks) ? tasks : []) {
    const key = taskKey(task);
    if (seen.has(key)) continue;
    seen.add(key);
    queue.push(task);
    added++;
  }
  return added;
}
