// Aurora PostgreSQL and the runway function that migrates it on every deploy.
//
// The migration image (../db: runway's image plus the scripts) runs as a
// Lambda function in the database's VPC. A custom resource invokes it during
// `cdk deploy`: Create and Update migrate, Delete does nothing. When a
// migration fails, runway answers FAILED, CloudFormation rolls the stack back
// and anything that depends on the migrations (the app) is not deployed.
const path = require('path');
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const rds = require('aws-cdk-lib/aws-rds');
const lambda = require('aws-cdk-lib/aws-lambda');
const cloudwatch = require('aws-cdk-lib/aws-cloudwatch');
const actions = require('aws-cdk-lib/aws-cloudwatch-actions');
const sns = require('aws-cdk-lib/aws-sns');
const subscriptions = require('aws-cdk-lib/aws-sns-subscriptions');

const MIGRATIONS_DIR = path.join(__dirname, '..', '..', 'db');

class DatabaseStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });

    // The generated master secret: {"engine","host","port","dbname","username","password"},
    // which is what runway reads from Secrets Manager.
    const cluster = new rds.DatabaseCluster(this, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({
        version: rds.AuroraPostgresEngineVersion.VER_16_4,
      }),
      credentials: rds.Credentials.fromGeneratedSecret('migrator'),
      defaultDatabaseName: 'app',
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      serverlessV2MinCapacity: 0.5,
      serverlessV2MaxCapacity: 2,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });

    const migrator = new lambda.DockerImageFunction(this, 'Migrator', {
      code: lambda.DockerImageCode.fromImageAsset(MIGRATIONS_DIR),
      description: 'runway: migrates the app database',
      timeout: cdk.Duration.minutes(10),
      memorySize: 512,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      environment: {
        RUNWAY_AWS_SECRET_ID: cluster.secret.secretArn,
      },
    });
    cluster.secret.grantRead(migrator);
    cluster.connections.allowDefaultPortFrom(migrator);

    // A property that changes with the scripts makes every deploy that
    // changes them an Update, and so a migration.
    const migrations = new cdk.CustomResource(this, 'DbMigrations', {
      serviceToken: migrator.functionArn,
      resourceType: 'Custom::DbMigrate',
      properties: {
        MigrationsHash: cdk.FileSystem.fingerprint(MIGRATIONS_DIR),
      },
    });
    migrations.node.addDependency(cluster);

    // runway prints one CloudWatch Embedded Metric Format line per command.
    const failures = new cloudwatch.Metric({
      namespace: 'Runway',
      metricName: 'MigrationsFailed',
      dimensionsMap: { Command: 'migrate' },
      statistic: 'Sum',
      period: cdk.Duration.minutes(5),
    });
    const topic = new sns.Topic(this, 'MigrationAlarms');
    topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarm = new cloudwatch.Alarm(this, 'MigrationFailed', {
      metric: failures,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'A runway migration failed: the deploy was rolled back.',
    });
    alarm.addAlarmAction(new actions.SnsAction(topic));

    // The app's resources depend on the migrations: add them here with
    // `appResource.node.addDependency(migrations)`.
    new cdk.CfnOutput(this, 'SchemaVersion', { value: migrations.getAttString('SchemaVersion') });
  }
}

module.exports = { DatabaseStack };
