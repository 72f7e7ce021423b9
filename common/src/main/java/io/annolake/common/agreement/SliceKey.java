package io.annolake.common.agreement;

import java.io.Serializable;
import java.sql.Date;

/** A slice: project_id, step, guideline_version, day (null where not sliced by). */
public record SliceKey(String project, String step, String guidelineVersion, String day)
    implements Serializable {
  Object[] columns() {
    return new Object[] {project, step, guidelineVersion, day == null ? null : Date.valueOf(day)};
  }
}
