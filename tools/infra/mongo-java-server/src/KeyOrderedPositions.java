import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;

/**
 * Document positions as an ordered index yields them for a filter fixing a prefix of its keys: in
 * ascending order of the keys after that prefix (documents with equal keys in no particular order,
 * as MongoDB leaves ties).
 */
final class KeyOrderedPositions extends ArrayList<Object> {
  private final List<IndexKey> orderedBy;

  KeyOrderedPositions(List<IndexKey> orderedBy) {
    this.orderedBy = orderedBy;
  }

  /** Whether sorting by `orderBy` would leave these as they are: its keys lead those they are ordered by, all ascending. */
  boolean alreadySortedBy(Document orderBy) {
    if (orderBy == null || orderBy.isEmpty() || orderBy.size() > orderedBy.size()) return false;
    int next = 0;
    for (Map.Entry<String, Object> sortKey : orderBy.entrySet()) {
      if (!orderedBy.get(next++).getKey().equals(sortKey.getKey())) return false;
      if (!(sortKey.getValue() instanceof Number direction) || direction.doubleValue() != 1) return false;
    }
    return true;
  }
}
