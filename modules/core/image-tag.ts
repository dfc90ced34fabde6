/**
 * What a container image tag may be: Docker's tag grammar (a letter, digit or `_`, then up to 127
 * letters, digits, `_`, `.` or `-`), and never `latest`, which names no particular release. The
 * environment schema checks the default tags with it and the workloads stack's release-time
 * variables with the same pattern.
 */
export const IMAGE_TAG_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

/** The tag that names no release; refused wherever a tag is set. */
export const MOVING_IMAGE_TAG = "latest";
