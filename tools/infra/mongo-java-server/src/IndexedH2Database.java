import java.util.List;

import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import org.h2.mvstore.MVStore;

/**
 * Stock mongo-java-server consults an index only when a filter's keys are exactly the index's keys,
 * and ignores non-unique indexes, so every compound filter is a collection scan and latency grows
 * with the collection. Here unique indexes serve any filter that fixes all their keys, and
 * non-unique indexes exist (in memory, rebuilt when a database opens) and serve any filter that
 * fixes a prefix of their keys, as MongoDB's planner would. The collection still applies the
 * whole filter to what an index returns, so an index only narrows the candidates.
 */
final class IndexedH2Database extends H2Database {
  IndexedH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
    super(databaseName, mvStore, cursorRegistry);
  }

  @Override
  protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
    return new EqualityUniqueIndex(super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse), sparse);
  }

  @Override
  protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
    return new OrderedSecondaryIndex(indexName, keys, sparse);
  }
}
