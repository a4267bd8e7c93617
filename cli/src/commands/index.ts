import type { CliCommand } from '../types';
import { lintCommand } from './lint';
import { targetsCommand } from './targets';
import { localCommand } from './local';
import { deployCommand } from './deploy';
import { envsCommand } from './envs';
import { dagsCommand } from './dags';
import { runsCommand } from './runs';

/** Every `managed-airflow` command, in help order. Add new commands here (one line each). */
export const commands: CliCommand[] = [lintCommand, targetsCommand, localCommand, deployCommand, envsCommand, dagsCommand, runsCommand];
