import java.lang.reflect.Field;
import java.util.List;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
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
  /** H2Database's store, read by reflection: collections are opened from its constructor, before a field of ours could be set. */
  private static final Field MV_STORE = storeField();

  IndexedH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
    super(databaseName, mvStore, cursorRegistry);
  }

  private static Field storeField() {
    try {
      Field field = H2Database.class.getDeclaredField("mvStore");
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("mongo-java-server's H2Database has no mvStore field any more", e);
    }
  }

  /** As H2Database opens a collection (the same map names, so existing data opens), with queries that stop at their limit (IndexedH2Collection). */
  @Override
  protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
    MVStore store;
    try {
      store = (MVStore) MV_STORE.get(this);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    String fullName = getFullCollectionNamespace(collectionName);
    return new IndexedH2Collection(this, collectionName, options, store.openMap("databases." + fullName), store.openMap("meta." + fullName), cursorRegistry);
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
