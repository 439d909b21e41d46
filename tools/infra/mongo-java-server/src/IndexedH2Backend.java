import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/** mongo-java-server's H2 backend with databases whose indexes serve queries (see IndexedH2Database). */
public final class IndexedH2Backend extends H2Backend {
  public IndexedH2Backend(String fileName) {
    super(fileName);
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new IndexedH2Database(databaseName, getMvStore(), getCursorRegistry());
  }
}
