import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/** The values a filter fixes by plain top-level equality: the part of a filter an index can look up. */
final class QueryEqualities {
  private QueryEqualities() {}

  /**
   * The normalized values the filter fixes for the leading keys, in key order, stopping at the
   * first key it does not fix. Operators, sub-documents, arrays, regular expressions and null are
   * not fixed values: their matching rules (null matches a missing field, an array matches as a
   * whole) are left to the collection's matcher.
   */
  static List<Object> fixedPrefix(Document query, List<String> keys) {
    List<Object> values = new ArrayList<>();
    for (String key : keys) {
      Object value = query.get(key);
      if (!isPlainValue(value)) break;
      values.add(value);
    }
    if (values.isEmpty()) return values;
    List<Object> normalized = new ArrayList<>(values.size());
    new KeyValue(values).normalized().forEach(normalized::add);
    return normalized;
  }

  private static boolean isPlainValue(Object value) {
    return !Missing.isNullOrMissing(value)
        && !(value instanceof Document)
        && !(value instanceof Collection)
        && !BsonRegularExpression.isRegularExpression(value);
  }
}
