// Formats the storage of several KRaft nodes in one JVM (kafka.tools.StorageTool format
// for each server.properties), instead of one JVM per node: on 2 cores this saves about
// 4 CPU seconds when starting 3 nodes. Compiled by scripts/kafka.sh into .kafka/classes;
// without javac the script falls back to one StorageTool JVM per node.
//
// usage: FormatAll CLUSTER_ID server1.properties [server2.properties ...]
public final class FormatAll {
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: FormatAll CLUSTER_ID server.properties...");
            System.exit(2);
        }
        for (int i = 1; i < args.length; i++) {
            int rc = kafka.tools.StorageTool$.MODULE$.execute(
                    new String[] {"format", "-t", args[0], "-c", args[i]}, System.out);
            if (rc != 0) {
                System.err.println("format failed for " + args[i] + " (exit " + rc + ")");
                System.exit(rc);
            }
        }
        System.exit(0);
    }
}
