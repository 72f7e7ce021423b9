package io.annolake.common.spark;

/** Java values as the Scala collections some Spark APIs take (e.g. join's column names). */
public final class ScalaSeqs {
  private ScalaSeqs() {}

  public static scala.collection.Seq<String> of(String... values) {
    return scala.collection.JavaConverters.asScalaBuffer(java.util.List.of(values)).toSeq();
  }
}
