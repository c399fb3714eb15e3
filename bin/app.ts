#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addPipeline } from '../lib/pipeline-app';

addPipeline(new App(), { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION });
