import java.util.List;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.KeyConstraintError;

/**
 * A stock unique index that also serves filters with more keys than its own (such as
 * {_id, tenant, revision} or {_id: {$in: [...]}, claimedBy}) by looking up only the keys it has;
 * everything else it delegates.
 */
final class EqualityUniqueIndex extends Index<Object> {
  private final Index<Object> stored;

  EqualityUniqueIndex(Index<Object> stored, boolean sparse) {
    super(stored.getName(), stored.getKeys(), sparse);
    this.stored = stored;
  }

  @Override
  public boolean canHandle(Document query) {
    return stored.canHandle(query) || stored.canHandle(lookupOf(query));
  }

  @Override
  public Iterable<Object> getPositions(Document query) {
    return stored.canHandle(query) ? stored.getPositions(query) : stored.getPositions(lookupOf(query));
  }

  /** The filter's conditions on this index's keys alone: what the stock index can look up. */
  private Document lookupOf(Document query) {
    Document lookup = new Document();
    for (String key : keys()) {
      if (!query.containsKey(key)) return new Document();
      lookup.put(key, query.get(key));
    }
    return lookup;
  }

  @Override
  public boolean isUnique() {
    return true;
  }

  @Override
  public Object getPosition(Document document) {
    return stored.getPosition(document);
  }

  @Override
  public void checkAdd(Document document, MongoCollection<Object> collection) {
    stored.checkAdd(document, collection);
  }

  @Override
  public void add(Document document, Object position, MongoCollection<Object> collection) {
    stored.add(document, position, collection);
  }

  @Override
  public Object remove(Document document) {
    return stored.remove(document);
  }

  @Override
  public long getCount() {
    return stored.getCount();
  }

  @Override
  public long getDataSize() {
    return stored.getDataSize();
  }

  @Override
  public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
    stored.checkUpdate(oldDocument, newDocument, collection);
  }

  @Override
  public void updateInPlace(Document oldDocument, Document newDocument, Object position, MongoCollection<Object> collection)
      throws KeyConstraintError {
    stored.updateInPlace(oldDocument, newDocument, position, collection);
  }

  @Override
  public void drop() {
    stored.drop();
  }
}
