#!/usr/bin/env node
// The CDK app: one stack with the database and its migrations.
const cdk = require('aws-cdk-lib');
const { DatabaseStack } = require('../lib/database-stack');

const app = new cdk.App();
new DatabaseStack(app, 'AppDatabase', {
  // Where the migration failure alarm mails to; override with -c alarmEmail=...
  alarmEmail: app.node.tryGetContext('alarmEmail') || 'dba@example.com',
});
